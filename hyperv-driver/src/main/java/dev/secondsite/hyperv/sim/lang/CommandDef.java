package dev.secondsite.hyperv.sim.lang;

import java.util.List;
import java.util.Optional;
import javax.annotation.Nullable;

/** A command the interpreter can resolve by name: a model {@link Cmdlet} or one of the built-in generic cmdlets. */
interface CommandDef {
    String name();

    List<ParameterSet> parameterSets();

    Optional<String> defaultParameterSet();

    /** One run of the command in a pipeline: invoked per input value, then ended. */
    Processor start(Session session);

    /** What one pipeline stage does with each bound call, and at its end. */
    interface Processor {
        void process(BoundCall call) throws CmdletException;

        /** @param last the last call processed, or null when none was (no pipeline input arrived) */
        default void end(@Nullable BoundCall last, Session.Pipe out) throws CmdletException {
        }
    }

    /** A model cmdlet: one {@link Cmdlet#invoke} per bound call. */
    record Model(Cmdlet cmdlet) implements CommandDef {
        @Override
        public String name() {
            return cmdlet.name();
        }

        @Override
        public List<ParameterSet> parameterSets() {
            return cmdlet.parameterSets();
        }

        @Override
        public Optional<String> defaultParameterSet() {
            return cmdlet.defaultParameterSet();
        }

        @Override
        public Processor start(Session session) {
            return cmdlet::invoke;
        }
    }
}
