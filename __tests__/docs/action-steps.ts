// The steps of a workflow that use a given action, with the keys they pass in `with:` and where
// they stand, read from the parsed YAML (not from the text, so any layout of a step is found).
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

export interface ActionStep {
  uses: string;
  withKeys: string[];
  /** 1-based line of the step's `uses:` in the workflow text. */
  line: number;
}

export function stepsUsing(workflow: string, isWanted: (uses: string) => boolean): ActionStep[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(workflow, { lineCounter });
  const found: ActionStep[] = [];
  const jobs = document.get('jobs', true);
  if (!isMap(jobs)) return found;
  for (const job of jobs.items) {
    const steps = isMap(job.value) ? job.value.get('steps', true) : undefined;
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      const uses = step.get('uses', true);
      if (!isScalar(uses) || typeof uses.value !== 'string' || !isWanted(uses.value)) continue;
      const inputs = step.get('with', true);
      found.push({
        uses: uses.value,
        withKeys: isMap(inputs) ? inputs.items.map((pair) => String(keyOf(pair.key))) : [],
        line: lineOf(uses, lineCounter),
      });
    }
  }
  return found;
}

function keyOf(key: unknown): unknown {
  return isScalar(key) ? key.value : key;
}

function lineOf(node: Node, lineCounter: LineCounter): number {
  return node.range ? lineCounter.linePos(node.range[0]).line : 0;
}
