package dev.fmnist.eval;

/** An evaluation, comparison or prediction that cannot be made; says which file or folder and why. */
public final class EvaluationException extends RuntimeException {

    public EvaluationException(String message) {
        super(message);
    }
}
