#!/usr/bin/env node
'use strict';
// A scripted stand-in for an AI coding agent, so AIDP's example runs with no AI installed. It does
// what an agent does through AIDP's `command` provider: read the prompt, change files, exit 0. It
// knows one fix per failing test and applies the first one the prompt's "What is failing now"
// section names, so each iteration fixes one failure and the loop shows the diagnosis at work.
const fs = require('node:fs');

const FIXES = [
  {
    test: 'total multiplies price by quantity',
    file: 'src/cart.js',
    from: 'sum + line.price + line.quantity',
    to: 'sum + line.price * line.quantity',
  },
  {
    test: 'applyDiscount takes the percentage off',
    file: 'src/cart.js',
    from: 'amount * (1 + percent / 100)',
    to: 'amount * (1 - percent / 100)',
  },
];

const i = process.argv.indexOf('--prompt-file');
const prompt = fs.readFileSync(i >= 0 ? process.argv[i + 1] : 0, 'utf8');
const failing = prompt.split('## What is failing now')[1] ?? '';
const fix = FIXES.find((f) => failing.includes(f.test) && fs.readFileSync(f.file, 'utf8').includes(f.from));

console.log('example agent (scripted, not an AI): reading the prompt');
if (!fix) {
  console.log('no failure I know how to fix; nothing changed');
} else {
  const source = fs.readFileSync(fix.file, 'utf8');
  fs.writeFileSync(fix.file, source.replace(fix.from, fix.to));
  console.log(`"${fix.test}" fails: changed ${fix.file}: ${fix.from}  ->  ${fix.to}`);
}
