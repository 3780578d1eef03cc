package io.github.sysched.scheduler.state;

/**
 * A list of node names whose names carry small dense ids (the extender's name table gives them), so that
 * {@link InFlightPods} keeps an attempt's candidates as a bitset and tells whether two attempts share a node with a
 * few word operations instead of hashing thousands of names. Such a list never changes: the registry keeps it as the
 * attempt's candidates without a copy.
 */
public interface NodeIds {

    /**
     * What the ids are unique within: ids of lists with the same (identical) space compare, others do not. Null when the
     * names of this list do not share one.
     */
    Object idSpace();

    /** The id of the name at {@code index}: non-negative, unique within {@link #idSpace()}. */
    int id(int index);
}
