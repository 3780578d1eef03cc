package io.github.sysched.scheduler;

import io.github.sysched.scheduler.explain.ExplainCommand;
import io.github.sysched.simulation.cli.SimulateCommand;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The ExS scheduler extender: kube-scheduler calls {@code /filter}, {@code /prioritize} (and optionally
 * {@code /bind}) on port 8888; the answers come from a pod informer's view of which pod runs where with
 * which syscall set. Management (health, Prometheus) is on port 8081.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SchedulerApplication {

    /**
     * {@code simulate …} runs the placement simulator ({@link SimulateCommand}), {@code explain …} explains a pod's
     * placement on the live cluster ({@link ExplainCommand}), instead of the service.
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("simulate")) {
            System.exit(SimulateCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("explain")) {
            ExplainCommand.main(Arrays.copyOfRange(args, 1, args.length));
        }
        SpringApplication.run(SchedulerApplication.class, args);
    }
}
