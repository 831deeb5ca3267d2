// `summary`: layers, output shapes and parameter counts, like torchsummary.
import { presets, type PresetName } from '../models/presets.js';
import { formatSummary, summarize } from '../models/summary.js';
import { init } from '../gpu/context.js';
import { helpText, parseOptions, type OptionTable } from './args.js';

const table = {
  model: { type: 'string', choices: Object.keys(presets), help: 'tutorial model (default cnn)' },
  json: { type: 'boolean', help: 'print the summary as JSON' },
} as const satisfies OptionTable;

export const summaryHelp = helpText('summary', 'Prints a model\'s layers, output shapes and parameter counts.', table);

export async function summaryCommand(argv: string[]): Promise<number> {
  const o = parseOptions('summary', argv, table);
  await init();
  const model = presets[(o.model ?? 'cnn') as PresetName]();
  try {
    const summary = await summarize(model, [1, 28, 28]);
    process.stdout.write(o.json ? JSON.stringify(summary, null, 2) + '\n' : formatSummary(summary));
    return 0;
  } finally {
    model.dispose();
  }
}
