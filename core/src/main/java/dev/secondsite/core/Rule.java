package dev.secondsite.core;

/**
 * The rule ids of {@code SPEC.md}, so that every finding and every refusal can name the rule it enforces.
 * Ids not in the spec: {@link #INPUT} (a required value is missing or malformed, or a reference points at
 * nothing), {@link #DOCUMENT} (a JSON document is not of a known version or shape, or exceeds the readers' limits),
 * {@link #STATE} (an operation the object's state table does not allow in its current state, e.g. a protected VM's
 * table of SPEC section 6), {@link #NOT_FOUND} (an id names no server, pairing, VM, plan or job of the vault:
 * {@link NotFoundException}), {@link #J5} (one running job per VM: a second job that would touch a VM another job
 * holds is refused before anything is sent) and {@link #J6} (a restart first checks that each VM is in the state the
 * job left it, that its pairing still exists and that a plan job's plan is the one it started with).
 *
 * <p>Thread-safe (an enum).
 */
public enum Rule {
    INPUT("a required value is present, well formed, and every reference resolves"),
    DOCUMENT("a document is of a known version and shape, within the readers' size limits"),
    STATE("an object changes state only as its state table allows; anything else is refused naming the state"),
    NOT_FOUND("an id names an existing server, pairing, VM, plan or job"),

    P1("a VMM server runs System Center 2012 SP1 or later"),
    P2("one server needs two clouds; two servers need one cloud each"),
    P3("every paired cloud has the Hyper-V capability profile"),
    P4("a primary cloud contains at least one host group"),
    P5("Hyper-V hosts run Windows Server 2012 or later and are in a VMM cloud"),
    P6("a static-IP Hyper-V cluster needs its replica broker configured"),

    V1("a vault has a friendly name and a region and is ACTIVE"),
    K1("registration keys are valid 5 days, bound to one vault, tamper-evident"),
    R1("registration needs a friendly name and a key; proxy optional; secrets never shown"),
    R2("a clustered VMM registers under its cluster role name with one provider version"),
    R3("the encryption setting is ignored for a secondary site, with a warning"),
    R4("clouds are synced all at registration, or one by one"),
    R5("the vault holds a registered server's inventory and lists the server"),
    R6("a registered server proves its identity on every call"),
    R7("only metadata crosses to the vault"),

    C1("only synced clouds can be paired; the target type is VMM"),
    C2("a pairing names the primary cloud, target server and target cloud"),
    C3("a cloud belongs to at most one pairing, as primary or target"),
    C4("copy frequency is 30 s, 5 min or 15 min; 5 min on hosts older than 2012 R2"),
    C5("additional recovery points 0..24 (0..15 on Windows Server 2012 hosts)"),
    C6("app-consistent frequency 0 (off) or 1..12 hours, less than the recovery points"),
    C7("data transfer compression on or off"),
    C8("authentication certificate (port 8084) or Kerberos (port 8083)"),
    C9("replication port 1..65535"),
    C10("initial replication over the network (now or at a time) or offline"),
    C11("delete replica on disable"),
    C12("saving a pairing is a job; target server and cloud cannot be edited"),
    C13("a VM keeps no fewer recovery points than the pairing's setting"),
    O1("offline export and import paths are given, absolute, and not on a replicating host"),
    O2("service accounts have full control on the offline paths"),
    O3("hosts have constrained delegation (CIFS) to the offline path machines"),
    O4("offline media are shipped from export path to import path"),

    N1("a source VM network maps to at most one target VM network of the target server"),
    N2("the target network is linked to a logical network of the target cloud"),
    N3("a VM on an unmapped network fails over disconnected"),
    N4("mapping changes are jobs; replicas connect to the mapped network after failover"),
    S1("storage classifications exist on both servers and are available to the clouds' hosts"),
    S2("a storage mapping goes from one primary to one target classification"),

    E1("protection is enabled for VMs of a paired primary cloud, as a job"),
    E2("protection from the vault or from the VM's properties ends in the same state"),
    E3("onboarding takes over an existing replica whose settings match the pairing"),
    E4("disabling protection removes replication, and the replica per C11"),

    RP1("a plan has a name, a source and a target server; only protected VMs of the source"),
    RP2("a replication group adds all its VMs; new VMs go to group 1; a VM is in one group"),
    RP3("groups start in order; VMs of a group in parallel except dependencies"),
    RP4("actions before and after each step, with kinds and directions"),
    RP5("the execution order is a pure function of the plan"),
    RP6("failover is started for a plan or a single VM"),
    RP7("shutdown step, failover step, then boot groups in order"),
    RP8("script path, side and timeout; a failing script stops only a planned failover"),
    RP9("a plan run skips a VM another run already failed over"),
    RP10("edits never drop or reorder what they do not touch"),

    F1("test failover into an isolated network; cleanup deletes test VMs"),
    F2("planned failover with no data loss"),
    F3("unplanned failover from a chosen recovery point"),
    F4("commit makes the chosen point final"),
    F5("reverse replication and failback"),
    F6("the recovery-side provider reports success"),
    F7("after an unplanned failover a VM is unprotected until reverse replication"),
    F8("one test failover per VM; none while resynchronizing"),

    J1("every operation is a job with tasks, state and progress"),
    J2("manual actions wait for resume; restart from the failed task; cancel between tasks"),
    J3("jobs and configuration survive a crash"),
    J4("jobs can be listed, filtered and exported"),
    J5("a VM belongs to at most one running job at a time"),
    J6("a restarted job's preconditions still hold: VM states, pairing and plan as the job left them"),

    T1("the provider talks to the vault over HTTPS"),
    T2("the provider connects out only");

    private final String summary;

    Rule(String summary) {
        this.summary = summary;
    }

    /** One line saying what the rule requires. */
    public String summary() {
        return summary;
    }
}
