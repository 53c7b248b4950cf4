package dev.parley.load;

import java.io.PrintStream;

import io.vertx.core.Vertx;

/** One kind of load. Prepared once per command, then run {@code --runs} times. */
interface Scenario {

    /**
     * What a scenario gets: the stack under test (set once it is up; a scenario reads its options
     * first, so that a bad one fails before a stack is started), the client event loops, its
     * options, the console.
     */
    final class Context {
        private final Vertx vertx;
        private final Args args;
        private final PrintStream out;
        private Target target;

        Context(Target target, Vertx vertx, Args args, PrintStream out) {
            this.target = target;
            this.vertx = vertx;
            this.args = args;
            this.out = out;
        }

        Target target() {
            return target;
        }

        void target(Target target) {
            this.target = target;
        }

        Vertx vertx() {
            return vertx;
        }

        Args args() {
            return args;
        }

        PrintStream out() {
            return out;
        }
    }

    String name();

    /** One-time work shared by all runs (seeding history, registering users). */
    default void prepare() throws Exception {
    }

    RunResult run(int index) throws Exception;
}
