package dev.secondsite.core.json;

import dev.secondsite.core.InvalidDocumentException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.plan.Dependency;
import dev.secondsite.core.plan.PlanAction;
import dev.secondsite.core.plan.PlanContext;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.plan.Slot;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What the two recovery-plan JSON forms ({@link PlanJson}, {@link SiteRecoveryPlanJson}) share beyond {@link JsonIn}:
 * the printed form, and feeding a document's groups, actions and dependencies to a plan builder so that every refusal
 * names the node at fault. Stateless.
 */
final class PlanDocuments {
    private static final Set<String> DEPENDENCY_FIELDS = Set.of("vm", "after");

    private PlanDocuments() {
    }

    static String write(JsonNode node) {
        try {
            return JsonIn.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a JSON tree always serializes", e);
        }
    }

    /**
     * How a document spells each constant of {@code type}: {@code spellings} in constant order, or the constants' own
     * names when none are given.
     */
    static <E extends Enum<E>> Map<E, String> spellings(Class<E> type, String... spellings) {
        Map<E, String> map = new EnumMap<>(type);
        E[] constants = type.getEnumConstants();
        for (int i = 0; i < constants.length; i++) {
            map.put(constants[i], spellings.length == 0 ? constants[i].name() : spellings[i]);
        }
        return map;
    }

    /**
     * Feeds a document's content to a plan builder, node by node, and remembers where each VM, action and dependency
     * came from, so that every refusal, at once or when the plan is built, names the node at fault.
     */
    static final class PlanReader {
        private final RecoveryPlan.Builder builder;
        private final Function<JsonIn, PlanAction> actions;
        private final Map<String, String> paths = new HashMap<>();
        private int groupsRead;

        /**
         * @param fieldPaths the path of each of the builder's fields name, sourceServer and targetServer
         * @param actions reads an action object
         */
        PlanReader(String name, String source, String target, PlanContext context, Map<String, String> fieldPaths,
                   Function<JsonIn, PlanAction> actions) {
            try {
                this.builder = RecoveryPlan.builder(name, source, target, context);
            } catch (InvalidConfigurationException e) {
                throw new InvalidDocumentException(fieldPaths.getOrDefault(e.errors().get(0).field(), ""), e);
            }
            this.actions = actions;
        }

        /** The number of the next group of the document: group 1 first (a new plan has it), then a new group each. */
        int nextGroup() {
            if (groupsRead > 0) {
                builder.addGroup();
            }
            return ++groupsRead;
        }

        /** Adds {@code vms}, listed at {@code listPath}, to group {@code group}. */
        void addVms(int group, List<String> vms, String listPath) {
            for (int j = 0; j < vms.size(); j++) {
                String vm = vms.get(j);
                String vmPath = listPath + "/" + j;
                JsonIn.at(vmPath, () -> builder.addVm(group, vm));
                paths.putIfAbsent(key("vms", vm), vmPath);
            }
        }

        /** Adds the actions of {@code holder}'s array {@code field} to {@code slot}, in order. */
        void addActions(JsonIn holder, String field, Slot slot) {
            holder.list(field, node -> {
                PlanAction action = actions.apply(node);
                node.build(() -> builder.addAction(slot, action));
                paths.putIfAbsent(key("actions", action.name()), node.path());
                return action;
            });
        }

        /**
         * Adds the dependencies of {@code group}'s array {@code field} ({@code [{"vm", "after"}]}); each {@code vm}
         * must be one of {@code ownVms}.
         */
        void addDependencies(JsonIn group, String field, Collection<String> ownVms) {
            group.list(field, dependency -> {
                dependency.only(DEPENDENCY_FIELDS);
                String vm = dependency.text("vm");
                String after = dependency.text("after");
                if (!ownVms.contains(vm)) {
                    throw dependency.error("vm", "VM " + vm + " is not in this group; a group lists the dependencies"
                            + " of its own VMs");
                }
                dependency.build(() -> builder.addDependency(vm, after));
                paths.putIfAbsent(key("dependencies", new Dependency(vm, after).toString()), dependency.path());
                return vm;
            });
        }

        private static String key(String field, String value) {
            return field + '\0' + value;
        }

        /**
         * The plan. @throws InvalidDocumentException at the node of the first error's VM, action or dependency, or
         * at {@code fallback}
         */
        RecoveryPlan build(String fallback) {
            try {
                return builder.build();
            } catch (InvalidConfigurationException e) {
                Finding first = e.errors().get(0);
                String path = first.value() == null ? null : paths.get(key(first.field(), first.value()));
                throw new InvalidDocumentException(path == null ? fallback : path, e);
            }
        }
    }
}
