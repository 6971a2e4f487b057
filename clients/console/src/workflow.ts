/**
 * A ComfyUI API-format workflow's primitive inputs (text, numbers, seeds, choices, images) as
 * form fields, described by the engine's own /object_info: links between nodes are not fields.
 */

export type Workflow = Record<string, { class_type: string; inputs?: Record<string, unknown>; _meta?: { title?: string } }>;
export type ObjectInfo = Record<string, { display_name?: string; input?: { required?: Record<string, unknown>; optional?: Record<string, unknown> } }>;

export interface Field {
  nodeId: string;
  nodeTitle: string;
  name: string;
  kind: 'int' | 'float' | 'text' | 'multiline' | 'boolean' | 'choice' | 'image';
  value: unknown;
  choices?: string[];
  min?: number;
  max?: number;
  step?: number;
  /** A seed: offered a new random value. */
  seed?: boolean;
}

/** Reads pasted or opened text as a workflow; throws a sentence when it is not one. */
export function parseWorkflow(text: string): Workflow {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`This is not JSON: ${(e as Error).message}.`);
  }
  if (parsed && typeof parsed === 'object' && 'prompt' in parsed && !('class_type' in (parsed as object))) {
    parsed = (parsed as { prompt: unknown }).prompt;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('A workflow in API format is a JSON object of nodes by id.');
  }
  if ('nodes' in parsed && 'links' in parsed) {
    throw new Error('This is a workflow as ComfyUI saves it for its editor; export it with "Save (API Format)" instead.');
  }
  for (const [id, node] of Object.entries(parsed)) {
    if (!node || typeof node !== 'object' || typeof (node as { class_type?: unknown }).class_type !== 'string') {
      throw new Error(`Node ${id} has no class_type: this is not a workflow in ComfyUI's API format.`);
    }
  }
  if (Object.keys(parsed).length === 0) throw new Error('The workflow has no nodes.');
  return parsed as Workflow;
}

function isLink(value: unknown): boolean {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'number';
}

/** The fields of every node, in node id order (numeric ids numerically). */
export function fieldsOf(workflow: Workflow, info: ObjectInfo): Field[] {
  const ids = Object.keys(workflow).sort((a, b) => (Number(a) - Number(b)) || a.localeCompare(b));
  const fields: Field[] = [];
  for (const nodeId of ids) {
    const node = workflow[nodeId];
    const spec = info[node.class_type]?.input;
    const nodeTitle = node._meta?.title ?? info[node.class_type]?.display_name ?? node.class_type;
    for (const [name, value] of Object.entries(node.inputs ?? {})) {
      if (isLink(value)) continue;
      const field = describe(name, value, spec?.required?.[name] ?? spec?.optional?.[name]);
      if (field) fields.push({ nodeId, nodeTitle, name, value, ...field });
    }
  }
  return fields;
}

type Described = Omit<Field, 'nodeId' | 'nodeTitle' | 'name' | 'value'>;

function describe(name: string, value: unknown, spec: unknown): Described | null {
  const [type, options] = Array.isArray(spec) ? spec as [unknown, Record<string, unknown> | undefined] : [undefined, undefined];
  const opts = options ?? {};
  const num = (key: string) => (typeof opts[key] === 'number' ? opts[key] as number : undefined);
  const choices = Array.isArray(type) ? type.map(String)
    : type === 'COMBO' && Array.isArray(opts.options) ? (opts.options as unknown[]).map(String) : undefined;
  if (choices) {
    return { kind: opts.image_upload ? 'image' : 'choice', choices };
  }
  if (opts.image_upload) return { kind: 'image', choices: [] };
  switch (type) {
    case 'INT': return { kind: 'int', min: num('min'), max: num('max'), step: num('step') ?? 1, seed: /seed/i.test(name) || opts.control_after_generate === true };
    case 'FLOAT': return { kind: 'float', min: num('min'), max: num('max'), step: num('step') ?? 0.01 };
    case 'STRING': return { kind: opts.multiline ? 'multiline' : 'text' };
    case 'BOOLEAN': return { kind: 'boolean' };
  }
  // A node the engine does not list: judged by the value itself.
  if (typeof value === 'boolean') return { kind: 'boolean' };
  if (typeof value === 'number') return Number.isInteger(value) ? { kind: 'int', step: 1, seed: /seed/i.test(name) } : { kind: 'float', step: 0.01 };
  if (typeof value === 'string') return { kind: value.length > 60 ? 'multiline' : 'text' };
  return null;
}

/** A copy of the workflow with one input set. */
export function withInput(workflow: Workflow, nodeId: string, name: string, value: unknown): Workflow {
  const copy: Workflow = structuredClone(workflow);
  copy[nodeId].inputs = { ...(copy[nodeId].inputs ?? {}), [name]: value };
  return copy;
}

/** A seed as ComfyUI's front end picks one: a random integer below 2^50, within the input's bounds. */
export function randomSeed(min = 0, max = 2 ** 50): number {
  const top = Math.min(max, 2 ** 50);
  return min + Math.floor(Math.random() * (top - min));
}
