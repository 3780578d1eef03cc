package io.github.sysched.scheduler.extender;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One entry of {@code HostPriorityList}: {@code {"Host": node, "Score": 0..10}}. */
@JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"Host", "Score"})
public record HostPriority(@JsonProperty("Host") String host, @JsonProperty("Score") long score) {
}
