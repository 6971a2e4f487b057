/** What the host that serves the console says about the Darkroom behind it (/console/config.json). */
export interface ConsoleConfig {
  /** Whether every call needs a credential; false: every call acts as one local user. */
  auth: boolean;
  /** Whether the engine is the simulated one (procedural images, not ComfyUI's). */
  simulatedEngine: boolean;
  firebase?: { projectId: string; apiKey: string; authEmulatorUrl?: string; authDomain?: string };
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const answer = await fetch('/console/config.json', { cache: 'no-store' });
  if (!answer.ok) {
    throw new Error(`The console's configuration could not be read (the server answered ${answer.status}).`);
  }
  return (await answer.json()) as ConsoleConfig;
}
