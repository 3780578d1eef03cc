package io.github.sysched.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sysched.spo.SpoScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProfileKeyTest {

    @Test
    void readsNamespacedSpoPaths() {
        assertThat(ProfileKey.forLocalhostProfile("operator/default/nginx-seccomp.json"))
                .contains(ProfileKey.namespaced("default", "nginx-seccomp"));
        assertThat(ProfileKey.forLocalhostProfile("localhost/operator/default/nginx-seccomp.json"))
                .contains(ProfileKey.namespaced("default", "nginx-seccomp"));
    }

    @Test
    void readsClusterScopedSpoPathsAsANameWithoutNamespace() {
        ProfileKey key =
                ProfileKey.forLocalhostProfile("operator/nginx-seccomp.json").get(0);

        assertThat(key.isClusterScoped()).isTrue();
        assertThat(key.name()).isEqualTo("nginx-seccomp");
        assertThat(ProfileKey.forLocalhostProfile("localhost/operator/web.v2.json"))
                .contains(ProfileKey.cluster("web.v2"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "profiles/audit.json",
                "operator/",
                "operator/.json",
                "operator/a/b/c.json",
                "operator/ns/name.yaml",
                "operator/ns//x.json",
                "operator/../x.json",
                "localhost/",
                "runtime/default",
                "localhost/localhost/operator/x.json",
                "operator/a b.json",
                "/operator/x.json"
            })
    void anythingElseIsNotAnSpoProfile(String path) {
        assertThat(ProfileKey.forLocalhostProfile(path)).isEmpty();
    }

    @Test
    void nullIsNotAnSpoProfile() {
        assertThat(ProfileKey.forLocalhostProfile(null)).isEmpty();
    }

    @Test
    void writesThePathSpoWritesForEachScope() {
        assertThat(ProfileKey.namespaced("team", "web").localhostProfile()).isEqualTo("operator/team/web.json");
        assertThat(ProfileKey.cluster("web").localhostProfile()).isEqualTo("operator/web.json");
        assertThat(ProfileKey.inScope(SpoScope.CLUSTER, "team", "web")).isEqualTo(ProfileKey.cluster("web"));
        assertThat(ProfileKey.inScope(SpoScope.NAMESPACED, "team", "web"))
                .isEqualTo(ProfileKey.namespaced("team", "web"));
    }

    @Test
    void printsAndParsesTheCacheKeyForm() {
        assertThat(ProfileKey.namespaced("default", "full-seccomp")).hasToString("default/full-seccomp");
        assertThat(ProfileKey.cluster("full-seccomp")).hasToString("full-seccomp");
        assertThat(ProfileKey.parse("default/full-seccomp"))
                .isEqualTo(ProfileKey.namespaced("default", "full-seccomp"));
        assertThat(ProfileKey.parse("full-seccomp")).isEqualTo(ProfileKey.cluster("full-seccomp"));
    }

    @Test
    void rejectsInvalidKeys() {
        assertThatThrownBy(() -> ProfileKey.namespaced("", "x")).hasMessageContaining("needs a namespace");
        assertThatThrownBy(() -> ProfileKey.cluster("a/b")).hasMessageContaining("invalid profile name 'a/b'");
        assertThatThrownBy(() -> ProfileKey.parse("a/b/c")).hasMessageContaining("invalid profile name 'b/c'");
    }

    /**
     * SPO's file name of a profile ({@code GetProfileFile}; security-profiles-operator
     * {@code api/seccompprofile/v1/seccompprofile_types_test.go}, {@code TestGetProfileFile}): {@code .json} is
     * appended unless the name already ends with it.
     */
    @Test
    void writesTheFileNameSpoWritesForNamesEndingInJson() {
        assertThat(ProfileKey.namespaced("team", "profile").localhostProfile()).isEqualTo("operator/team/profile.json");
        assertThat(ProfileKey.namespaced("team", "profile.json").localhostProfile())
                .isEqualTo("operator/team/profile.json");
        assertThat(ProfileKey.namespaced("team", "profile.json.bak").localhostProfile())
                .isEqualTo("operator/team/profile.json.bak.json");
        assertThat(ProfileKey.cluster("dot.json").localhostProfile()).isEqualTo("operator/dot.json");
    }

    /** The inverse: a path names the profile without the suffix first, then the one whose name keeps it. */
    @Test
    void readsBothProfilesAFileNameCanStandFor() {
        assertThat(ProfileKey.forLocalhostProfile("operator/team/dot.json"))
                .containsExactly(ProfileKey.namespaced("team", "dot"), ProfileKey.namespaced("team", "dot.json"));
        assertThat(ProfileKey.forLocalhostProfile("localhost/operator/dot.json"))
                .containsExactly(ProfileKey.cluster("dot"), ProfileKey.cluster("dot.json"));
        assertThat(ProfileKey.forLocalhostProfile("operator/team/profile.json.bak.json"))
                .containsExactly(
                        ProfileKey.namespaced("team", "profile.json.bak"),
                        ProfileKey.namespaced("team", "profile.json.bak.json"));
        // "a.json" is stored as a.json, so a.json.json can only be the profile of that very name
        assertThat(ProfileKey.forLocalhostProfile("operator/team/a.json.json"))
                .containsExactly(ProfileKey.namespaced("team", "a.json.json"));
    }
}
