package io.github.sysched.simulation.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --version} of every picocli command (simulate, explain, the demo, the load generator): its name and the {@code Implementation-Version} of the jar its class
 * came from ("development build" when it runs from classes).
 */
public final class ImplementationVersion implements CommandLine.IVersionProvider {

    @CommandLine.Spec
    private CommandSpec spec;

    @Override
    public String[] getVersion() {
        Package origin = spec.userObject().getClass().getPackage();
        String version = origin == null ? null : origin.getImplementationVersion();
        return new String[] {spec.qualifiedName() + " " + (version == null ? "development build" : version)};
    }
}
