package dev.fmnist.server;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The versions of one model name: every version loaded (or tried), the one that answers the bare name, the one it
 * replaced (what a rollback brings back), and how requests that name no version are shared between them.
 *
 * @param versions by version, in the order they were loaded
 * @param current  the version that answers the bare name when no split is set; a key of {@code versions}
 * @param previous the version current before the last promotion, if it is still loaded
 */
public record ModelVersions(String name, Map<String, ServedModel> versions, String current,
        Optional<String> previous, TrafficSplit traffic) {

    public ModelVersions {
        versions = Collections.unmodifiableMap(new LinkedHashMap<>(versions));
        if (!versions.containsKey(current)) {
            throw new IllegalArgumentException("the current version '" + current + "' is not one of " + versions.keySet());
        }
        previous = previous.filter(versions::containsKey).filter(v -> !v.equals(current));
        // a split names loaded versions only: the share of one unloaded goes to the current version
        Map<String, Integer> kept = new LinkedHashMap<>();
        int gone = 0;
        for (Map.Entry<String, Integer> weight : traffic.weights().entrySet()) {
            if (versions.containsKey(weight.getKey())) {
                kept.put(weight.getKey(), weight.getValue());
            } else {
                gone += weight.getValue();
            }
        }
        if (gone > 0) {
            kept.merge(current, gone, Integer::sum);
        }
        traffic = kept.size() == traffic.weights().size() && gone == 0 ? traffic
                : kept.keySet().equals(java.util.Set.of(current)) || kept.isEmpty() ? TrafficSplit.NONE
                : new TrafficSplit(kept);
    }

    /** A model with one version, current. */
    static ModelVersions of(ServedModel model) {
        return new ModelVersions(model.name(), Map.of(model.version(), model), model.version(), Optional.empty(),
                TrafficSplit.NONE);
    }

    public ServedModel currentModel() {
        return versions.get(current);
    }

    /**
     * The version a request that names none goes to: its share of the split (by its route key when it has one),
     * or the current version; a version of the split that is not ready (being unloaded) sends its share to the
     * current one.
     */
    public ServedModel route(Optional<String> routeKey) {
        return traffic.pick(routeKey).map(versions::get).filter(ServedModel::isReady).orElse(currentModel());
    }

    /** With {@code model} added, or in place of the version of the same name. */
    ModelVersions with(ServedModel model) {
        Map<String, ServedModel> next = new LinkedHashMap<>(versions);
        next.put(model.version(), model);
        return new ModelVersions(name, next, current, previous, traffic);
    }

    ModelVersions without(String version) {
        Map<String, ServedModel> next = new LinkedHashMap<>(versions);
        next.remove(version);
        return new ModelVersions(name, next, current, previous, traffic);
    }

    ModelVersions promoted(String version) {
        return new ModelVersions(name, versions, version, Optional.of(current), TrafficSplit.NONE);
    }

    /** Back to {@code version}, with nothing earlier to roll back to again. */
    ModelVersions rolledBack(String version) {
        return new ModelVersions(name, versions, version, Optional.empty(), TrafficSplit.NONE);
    }

    ModelVersions split(TrafficSplit split) {
        return new ModelVersions(name, versions, current, previous, split);
    }
}
