package io.github.sysched.scheduler.leader;

/** Whether this replica answers the extender verbs (docs/SCHEDULING.md, "Several replicas"). */
public interface Leadership {

    /** Without leader election: this replica always answers. */
    Leadership ALWAYS = new Leadership() {
        @Override
        public boolean leading() {
            return true;
        }

        @Override
        public String leader() {
            return "";
        }
    };

    /** True while this replica holds the Lease (always, without leader election). */
    boolean leading();

    /** The identity of the leader as last seen ("" when unknown). */
    String leader();

    /** Why this replica does not answer; empty while it leads. */
    default String refusal() {
        if (leading()) {
            return "";
        }
        String leader = leader();
        return "sysched extender: this replica is not the leader"
                + (leader.isEmpty() ? "" : " (the leader is " + leader + ")") + "; reconnect to the Service";
    }
}
