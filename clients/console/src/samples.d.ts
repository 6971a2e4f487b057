/** The sample workflows, put in the bundle by build.mjs. */
declare module 'darkroom:samples' {
  const samples: { name: string; workflow: Record<string, unknown> }[];
  export default samples;
}
