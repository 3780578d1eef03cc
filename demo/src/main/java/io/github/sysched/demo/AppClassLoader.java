package io.github.sysched.demo;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Runs two Spring Boot applications in one JVM: each ships its own {@code application.yaml}, and on a shared
 * classpath the first one found would configure both. This loader shows an application only its own.
 */
final class AppClassLoader extends ClassLoader {

    private final String ownLocation;

    AppClassLoader(Class<?> application) {
        super(application.getClassLoader());
        this.ownLocation =
                application.getProtectionDomain().getCodeSource().getLocation().toString();
    }

    @Override
    public URL getResource(String name) {
        if (!isApplicationConfig(name)) {
            return super.getResource(name);
        }
        try {
            Enumeration<URL> own = getResources(name);
            return own.hasMoreElements() ? own.nextElement() : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        Enumeration<URL> all = super.getResources(name);
        if (!isApplicationConfig(name)) {
            return all;
        }
        List<URL> own = new ArrayList<>();
        for (URL url : Collections.list(all)) {
            if (url.toString().startsWith(ownLocation) || url.toString().contains(ownLocation)) {
                own.add(url);
            }
        }
        return Collections.enumeration(own);
    }

    private static boolean isApplicationConfig(String name) {
        String bare = name.startsWith("/") ? name.substring(1) : name;
        return bare.startsWith("application.") || bare.startsWith("application-");
    }
}
