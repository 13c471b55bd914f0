// Real `parvis serve` children for page tests: each with its own temporary data folder and a
// free loopback port, stopped with SIGTERM and its folder removed by stopNodes (also when a
// test failed), or killed when the test process exits without having stopped them.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// The binary under test: PARVIS_BINARY (ctest sets it), else the default build's.
export const PARVIS_BINARY = process.env.PARVIS_BINARY ?? resolve(here, '../../../build/server/parvis');

// How long a node may take to print its "listening" line; the sanitizer build is slower.
const START_TIMEOUT_MS = Number(process.env.PARVIS_START_TIMEOUT_MS ?? 60000);
// How long a node may take to exit after SIGTERM before it is killed.
const STOP_TIMEOUT_MS = 20000;
// Password of the accounts tests create (the CLI wants at least a few characters).
export const TEST_PASSWORD = 'a long test passphrase';

// Nodes not stopped yet, killed (and their folders removed) if the process exits first.
// Also on SIGINT and SIGTERM (Ctrl-C, a ctest timeout), which would skip 'exit' handlers.
const running = new Set();
function killRunning() {
  for (const node of running) {
    node.child.kill('SIGKILL');
    rmSync(node.dir, { recursive: true, force: true });
  }
  running.clear();
}
process.on('exit', killRunning);
for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15]]) {
  process.once(signal, () => {
    killRunning();
    process.exit(128 + number);
  });
}

// A loopback port that was free a moment ago: the node needs it before it starts because the
// port is part of its public base URL.
function freeLoopbackPort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

export class ParvisNode {
  // Use startNodes(); the constructor only records what a started child needs.
  constructor({ child, dir, port, env, binary }) {
    this.child = child;
    this.dir = dir;
    this.port = port;
    this.env = env;
    this.binary = binary;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.host = `127.0.0.1:${port}`;
    this.stdout = '';
    this.stderr = '';
    this.exited = new Promise((resolveExit) => {
      child.once('exit', (code, signal) => {
        // A node that dies during a test says so at once, with its last words: later
        // failures (connection refused) would not tell why.
        if (!this.stopping) {
          process.stderr.write(`parvis on ${this.baseUrl} died (${code ?? signal}); stderr:\n${this.stderr}\n`);
        }
        resolveExit({ code, signal });
      });
    });
    child.stdout.setEncoding('utf8').on('data', (chunk) => { this.stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk) => { this.stderr += chunk; });
  }

  url(path = '/') {
    return new URL(path, this.baseUrl).href;
  }

  // `parvis admin ARGS...` with this node's environment, so through its control socket;
  // `input` goes to standard input. Throws with the command's stderr if it fails.
  admin(args, input = '') {
    const result = spawnSync(this.binary, ['admin', ...args], {
      env: this.env, input, encoding: 'utf8', timeout: 60000,
    });
    if (result.status !== 0) {
      throw new Error(`parvis admin ${args.join(' ')} exited ${result.status ?? result.signal}:\n` +
                      `${result.stderr}${result.error ? String(result.error) : ''}`);
    }
    return result.stdout;
  }

  // Creates a local account (kind person, organization, group or commercial).
  createUser(name, { kind = 'person', admin = false } = {}) {
    const args = ['create-user', name, '--kind', kind, '--password-stdin'];
    if (admin) args.push('--admin');
    return this.admin(args, `${TEST_PASSWORD}\n`);
  }

  // SIGTERM, then SIGKILL after STOP_TIMEOUT_MS; removes the data folder. Throws if the node
  // did not exit cleanly (a sanitizer report aborts it), with what it wrote on stderr.
  async stop() {
    if (!running.has(this)) return;
    this.stopping = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    let timer;
    const killed = new Promise((resolveKill) => {
      timer = setTimeout(() => { this.child.kill('SIGKILL'); resolveKill(); }, STOP_TIMEOUT_MS);
    });
    await Promise.race([this.exited, killed]);
    const { code, signal } = await this.exited;
    clearTimeout(timer);
    running.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
    if (code !== 0) {
      throw new Error(`parvis on ${this.baseUrl} exited ${code ?? signal} when stopped; stderr:\n${this.stderr}`);
    }
  }
}

async function startNode(binary) {
  const dir = mkdtempSync(join(tmpdir(), 'parvis-browser-'));
  const port = await freeLoopbackPort();
  // The node refuses PARVIS_* variables it does not know (PARVIS_BINARY, ...): none is passed on.
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('PARVIS_'));
  const env = {
    ...Object.fromEntries(inherited),
    PARVIS_DATA_DIR: join(dir, 'data'),
    PARVIS_LISTEN_ADDRESS: '127.0.0.1',
    PARVIS_LISTEN_PORT: String(port),
    PARVIS_BASE_URL: `http://127.0.0.1:${port}`,
    PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
    PARVIS_REGISTRATION: 'open',
    // Few log lines: stderr is shown only when a node fails.
    PARVIS_LOG_LEVEL: 'warn',
  };
  const child = spawn(binary, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const node = new ParvisNode({ child, dir, port, env, binary });
  running.add(node);
  await new Promise((resolveStart, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      reject(new Error(`parvis serve (${binary}) ${why}; stderr:\n${node.stderr}`));
    };
    const onData = () => {
      const match = /^parvis: listening on (http:\/\/\S+)/m.exec(node.stdout);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      if (match[1] !== node.baseUrl) reject(new Error(`parvis listens on ${match[1]}, expected ${node.baseUrl}`));
      else resolveStart();
    };
    const timer = setTimeout(() => fail(`printed no "listening" line within ${START_TIMEOUT_MS} ms`),
                             START_TIMEOUT_MS);
    child.stdout.on('data', onData);
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    node.exited.then(({ code, signal }) => fail(`exited ${code ?? signal} before listening`));
  }).catch(async (error) => {
    await node.stop().catch(() => {});
    throw error;
  });
  return node;
}

// Starts `count` nodes side by side. If one fails to start, those started are stopped too.
export async function startNodes(count = 1, { binary = PARVIS_BINARY } = {}) {
  const results = await Promise.allSettled(Array.from({ length: count }, () => startNode(binary)));
  const nodes = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) {
    await stopNodes(nodes).catch(() => {});
    throw failure.reason;
  }
  return nodes;
}

// Stops every node (all of them even if one fails), then throws the first failure.
export async function stopNodes(nodes) {
  const results = await Promise.allSettled((nodes ?? []).map((node) => node.stop()));
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
}
