package dev.darkroom.cli;

/** Where work to do on Ctrl-C is registered: the JVM's shutdown hooks, or a test's list. */
interface ShutdownHooks {
  void add(Thread hook);

  void remove(Thread hook);

  ShutdownHooks RUNTIME = new ShutdownHooks() {
    @Override
    public void add(Thread hook) {
      Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void remove(Thread hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or about to: it sees the job ended and does nothing.
      }
    }
  };
}
