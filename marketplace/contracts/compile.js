// Compiles the marketplace contracts reproducibly with solc-js 0.8.30 (standard JSON).
// Usage: NODE_PATH=/path/to/solc/node_modules node compile.js [outDir]
// Writes <outDir>/<Contract>.abi (JSON) and <outDir>/<Contract>.bin (hex creation code, no 0x).
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const SOLC_VERSION = '0.8.30';
const CONTRACTS = ['NetworkRegistry', 'DAMFactory', 'DAM', 'TimeLockVault', 'TestToken'];

function main() {
  const version = solc.version();
  if (!version.startsWith(SOLC_VERSION + '+')) {
    throw new Error(`solc version ${version}, want ${SOLC_VERSION}`);
  }
  const srcDir = path.join(__dirname, 'src');
  const outDir = path.resolve(process.argv[2] || path.join(__dirname, 'build'));
  const sources = {};
  for (const f of fs.readdirSync(srcDir).filter((f) => f.endsWith('.sol')).sort()) {
    sources[f] = { content: fs.readFileSync(path.join(srcDir, f), 'utf8') };
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
      metadata: { bytecodeHash: 'none', appendCBOR: true },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: (p) => {
    const file = path.join(srcDir, path.basename(p));
    if (!fs.existsSync(file)) return { error: `import ${p} not found` };
    return { contents: fs.readFileSync(file, 'utf8') };
  } }));
  const errors = (out.errors || []).filter((e) => e.severity === 'error');
  for (const e of out.errors || []) process.stderr.write(e.formattedMessage + '\n');
  if (errors.length > 0) throw new Error(`${errors.length} compile error(s)`);
  fs.mkdirSync(outDir, { recursive: true });
  for (const name of CONTRACTS) {
    const c = out.contracts[`${name}.sol`] && out.contracts[`${name}.sol`][name];
    if (!c) throw new Error(`contract ${name} missing from compiler output`);
    const runtime = c.evm.deployedBytecode.object.length / 2;
    if (runtime > 24576) throw new Error(`${name} runtime code is ${runtime} bytes, over the EIP-170 limit`);
    fs.writeFileSync(path.join(outDir, `${name}.abi`), JSON.stringify(c.abi, null, 1) + '\n');
    fs.writeFileSync(path.join(outDir, `${name}.bin`), c.evm.bytecode.object + '\n');
    process.stderr.write(`${name}: ${runtime} bytes runtime\n`);
  }
  fs.writeFileSync(path.join(outDir, 'VERSION'), `solc ${version}\n`);
}

main();
