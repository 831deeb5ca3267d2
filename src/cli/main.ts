#!/usr/bin/env node
// The command line: `npm run cli -- <train|evaluate|predict|summary> [options]`.
// Tensor methods (x.add(y), …) for anything a command hands to user-facing code.
import '../tensor/methods.js';
import { shutdown } from '../gpu/context.js';
import { UsageError } from './args.js';
import { evaluateCommand, evaluateHelp } from './evaluate-command.js';
import { predictCommand, predictHelp } from './predict-command.js';
import { summaryCommand, summaryHelp } from './summary-command.js';
import { trainCommand, trainHelp } from './train-command.js';

const commands = {
  train: [trainCommand, trainHelp],
  evaluate: [evaluateCommand, evaluateHelp],
  predict: [predictCommand, predictHelp],
  summary: [summaryCommand, summaryHelp],
} as const;

const usage = `Usage: npm run cli -- <command> [options]     (npm run train -- [options] for train)

Commands:
  train      train a tutorial model (cnn, deep-cnn, small-cnn, mlp, keras-cnn) on MNIST or Fashion-MNIST
  evaluate   loss, accuracy, per-class accuracy and confusion matrix of a checkpoint
  predict    class probabilities of one image
  summary    layers, output shapes and parameter counts

Run a command with --help for its options.
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage);
    return name ? 0 : 2;
  }
  const command = commands[name as keyof typeof commands];
  if (!command) throw new UsageError(`unknown command '${name}'\n\n${usage}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command[1]);
    return 0;
  }
  try {
    return await command[0](rest);
  } finally {
    shutdown();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: Error) => {
    process.stderr.write(`${e instanceof UsageError ? '' : 'error: '}${e.message}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
