package dev.fmnist.server.review;

import io.vertx.core.json.JsonObject;

/**
 * A reviewer's decision on an item: the class it is, and what the model had answered.
 *
 * @param item       the image's path below the review folder, '/'-separated
 * @param classIndex the class decided, an index of the model's classes
 * @param label      its name
 * @param answered   the class the model answered
 * @param reviewer   who decided
 * @param time       when, ISO-8601
 */
public record Decision(String item, int classIndex, String label, String answered, String reviewer, String time) {

    /** Whether the reviewer confirmed the model's answer (rather than correcting it). */
    public boolean confirmed() {
        return label.equals(answered);
    }

    JsonObject json() {
        return new JsonObject().put("item", item).put("class", classIndex).put("label", label)
                .put("answered", answered).put("reviewer", reviewer).put("time", time);
    }

    /** @throws IllegalArgumentException for an object without the fields of a decision */
    static Decision of(JsonObject json) {
        if (json.getString("item") == null || json.getInteger("class") == null || json.getString("label") == null) {
            throw new IllegalArgumentException("no item, class or label");
        }
        return new Decision(json.getString("item"), json.getInteger("class"), json.getString("label"),
                json.getString("answered", ""), json.getString("reviewer", ""), json.getString("time", ""));
    }
}
