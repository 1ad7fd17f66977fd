package io.elasticstream.common;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Failures as futures deliver them. */
public final class Failures {
    private Failures() {
    }

    /** The failure under the {@link CompletionException} / {@link ExecutionException} wrappers of futures. */
    public static Throwable cause(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
