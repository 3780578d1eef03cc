package io.github.sysched.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.scheduler.SchedulerApplication;
import io.github.sysched.simulation.PlacementSimulator;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.webhook.WebhookApplication;
import java.net.URISyntaxException;
import java.util.List;

/**
 * A Maven module's main classes, found where one of its classes was loaded from (its jar, or its
 * {@code target/classes} in a reactor build), so that rules speak of modules and not of package names.
 */
enum Module {
    COMMON(SyscallSet.class),
    KUBE(ClusterView.class),
    SIMULATOR(PlacementSimulator.class),
    WEBHOOK(WebhookApplication.class),
    SCHEDULER(SchedulerApplication.class);

    private final Class<?> marker;
    private JavaClasses classes;

    Module(Class<?> marker) {
        this.marker = marker;
    }

    Location location() {
        try {
            return Location.of(
                    marker.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Imported once per test run. */
    synchronized JavaClasses classes() {
        if (classes == null) {
            classes = new ClassFileImporter().importLocations(List.of(location()));
            if (classes.isEmpty()) {
                throw new IllegalStateException("no classes at " + location());
            }
        }
        return classes;
    }
}
