package io.github.sysched.webhook.support;

import io.github.sysched.webhook.config.WebhookProperties;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@link WebhookProperties} bound as Spring binds them (defaults included), without an application context. */
public final class TestProperties {

    private TestProperties() {}

    /** {@code settings}: property names below {@code sysched.webhook.} and values, e.g. {@code "ipp.mode", "fast"}. */
    public static WebhookProperties webhook(String... settings) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i + 1 < settings.length; i += 2) {
            map.put("sysched.webhook." + settings[i], settings[i + 1]);
        }
        return new Binder(new MapConfigurationPropertySource(map))
                .bindOrCreate("sysched.webhook", WebhookProperties.class);
    }
}
