package io.github.sysched.kube.boot;

import io.github.sysched.kube.ClusterView;
import org.springframework.context.SmartLifecycle;

/** Starts the {@link ClusterView} with the application context and stops it on shutdown. */
public class ClusterViewLifecycle implements SmartLifecycle {

    private final ClusterView view;

    public ClusterViewLifecycle(ClusterView view) {
        this.view = view;
    }

    @Override
    public void start() {
        view.start();
    }

    @Override
    public void stop() {
        view.stop();
    }

    @Override
    public boolean isRunning() {
        return view.isRunning();
    }

    /** Before the web server (a later phase): the informers start while the ports open. */
    @Override
    public int getPhase() {
        return 0;
    }
}
