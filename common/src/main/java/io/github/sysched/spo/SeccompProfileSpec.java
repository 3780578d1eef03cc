package io.github.sysched.spo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** {@code spec} of a SeccompProfile; the union of the fields of v1beta1 and v1. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SeccompProfileSpec {

    private String defaultAction;
    private List<String> architectures;
    private List<SeccompSyscall> syscalls;
    private String baseProfileName;
    private Boolean disabled;
    private String state;
    private List<String> flags;
    private String listenerPath;
    private String listenerMetadata;

    /**
     * False when the profile is switched off: {@code state: Disabled} (v1) or {@code disabled: true}
     * (v1beta1). Either field alone decides; an absent field means enabled (the CRD default).
     */
    public boolean isEnabled() {
        return !"Disabled".equals(state) && !Boolean.TRUE.equals(disabled);
    }

    public String getDefaultAction() {
        return defaultAction;
    }

    public void setDefaultAction(String defaultAction) {
        this.defaultAction = defaultAction;
    }

    public List<String> getArchitectures() {
        return architectures;
    }

    public void setArchitectures(List<String> architectures) {
        this.architectures = architectures;
    }

    public List<SeccompSyscall> getSyscalls() {
        return syscalls;
    }

    public void setSyscalls(List<SeccompSyscall> syscalls) {
        this.syscalls = syscalls;
    }

    public String getBaseProfileName() {
        return baseProfileName;
    }

    public void setBaseProfileName(String baseProfileName) {
        this.baseProfileName = baseProfileName;
    }

    /** v1beta1 only. */
    public Boolean getDisabled() {
        return disabled;
    }

    public void setDisabled(Boolean disabled) {
        this.disabled = disabled;
    }

    /** v1 only: {@code Enabled} or {@code Disabled}. */
    public String getState() {
        return state;
    }

    public void setState(String state) {
        this.state = state;
    }

    public List<String> getFlags() {
        return flags;
    }

    public void setFlags(List<String> flags) {
        this.flags = flags;
    }

    public String getListenerPath() {
        return listenerPath;
    }

    public void setListenerPath(String listenerPath) {
        this.listenerPath = listenerPath;
    }

    public String getListenerMetadata() {
        return listenerMetadata;
    }

    public void setListenerMetadata(String listenerMetadata) {
        this.listenerMetadata = listenerMetadata;
    }
}
