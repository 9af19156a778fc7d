/** What a process started (child processes, servers), to be stopped in the reverse order on every way out. */
export class Services {
  private readonly started: { name: string; stop: () => Promise<void> }[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly log: (message: string) => void) {}

  /** Registers a service just started; the last one started is the first one stopped. */
  add(name: string, stop: () => Promise<void>): void {
    this.started.unshift({ name, stop });
  }

  /** Stops every service, once however often it is called; one that fails to stop does not keep the rest running. */
  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const { name, stop } of this.started) {
        try {
          await stop();
        } catch (error) {
          this.log(`Stopping ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.stopping;
  }
}
