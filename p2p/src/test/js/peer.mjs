// js-libp2p interop peer driven line by line over stdin by the Java tests (JsPeer).
//
// usage: node peer.mjs <listen-ip> [--port N] [--seed <64 hex chars>] [--protocol /spegel/kad/1.0.0]
//
// On start it prints one JSON line: {"event":"started","peerId":...,"addrs":[...]}.
// Then every stdin line is one command, answered by exactly one JSON line on stdout
// ({"ok":true,...} or {"ok":false,"error":...}). Commands run one at a time, in order:
//   dial <multiaddr>            connect (multiaddr must carry /p2p/<id>)
//   ping <multiaddr>            libp2p ping (/ipfs/ping/1.0.0), answers rtt in ms
//   provide <key>               ADD_PROVIDER for the Spegel key (a digest or image reference string)
//   find <key> <count> [ms]     GET_PROVIDERS walk, stops after <count> providers or the timeout
//   cid <key>                   the CID and multihash js derives for the key (for cross-checks)
//   peers                       connected peers, with what identify told us about each
//   routing                     routing table size
//   quit                        stop the node and exit 0
// Diagnostics go to stderr only, so stdout stays one JSON line per answer.

// Node 20 lacks Promise.withResolvers, which libp2p 3.x calls: define it before loading libp2p.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers () {
    let resolve, reject
    const promise = new Promise((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { identify } = await import('@libp2p/identify')
const { ping } = await import('@libp2p/ping')
const { kadDHT, passthroughMapper } = await import('@libp2p/kad-dht')
const { generateKeyPair, generateKeyPairFromSeed } = await import('@libp2p/crypto/keys')
const { peerIdFromString } = await import('@libp2p/peer-id')
const { multiaddr } = await import('@multiformats/multiaddr')
const { CID } = await import('multiformats/cid')
const raw = await import('multiformats/codecs/raw')
const { sha256 } = await import('multiformats/hashes/sha2')
const readline = await import('node:readline')

if (process.argv[2] === '--check') {
  process.stdout.write('peer.mjs: modules load\n')
  process.exit(0)
}

function parseArgs (argv) {
  const opts = { ip: argv[0], port: 0, seed: null, protocol: '/spegel/kad/1.0.0' }
  if (opts.ip == null || !/^127\.\d+\.\d+\.\d+$/.test(opts.ip)) {
    throw new Error('first argument must be a 127.x.y.z listen address')
  }
  for (let i = 1; i < argv.length; i += 2) {
    const value = argv[i + 1]
    if (value == null) throw new Error(`missing value for ${argv[i]}`)
    if (argv[i] === '--port') opts.port = Number.parseInt(value, 10)
    else if (argv[i] === '--seed') opts.seed = Buffer.from(value, 'hex')
    else if (argv[i] === '--protocol') opts.protocol = value
    else throw new Error(`unknown option ${argv[i]}`)
  }
  if (opts.seed != null && opts.seed.length !== 32) throw new Error('--seed must be 32 bytes of hex')
  return opts
}

// Spegel's createCid: CIDv1, codec raw, sha2-256 over the UTF-8 bytes of the key string.
async function keyToCid (key) {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(key)))
}

function out (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

const opts = parseArgs(process.argv.slice(2))
const privateKey = opts.seed != null
  ? await generateKeyPairFromSeed('Ed25519', opts.seed)
  : await generateKeyPair('Ed25519')

const node = await createLibp2p({
  privateKey,
  addresses: { listen: [`/ip4/${opts.ip}/tcp/${opts.port}`] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    ping: ping(),
    // Loopback peers: clientMode false so we serve the DHT and list it in identify,
    // passthroughMapper so loopback addresses are not dropped (js kad-dht drops private addresses by default).
    dht: kadDHT({ protocol: opts.protocol, clientMode: false, peerInfoMapper: passthroughMapper })
  }
})

function withTimeout (ms) {
  return AbortSignal.timeout(ms)
}

async function describePeer (peerId) {
  let protocols = []
  let addrs = []
  let agent = null
  try {
    const p = await node.peerStore.get(peerId)
    protocols = [...p.protocols].sort()
    addrs = p.addresses.map(a => a.multiaddr.toString())
    const av = p.metadata.get('AgentVersion')
    if (av != null) agent = new TextDecoder().decode(av)
  } catch { /* not in the peer store */ }
  return { id: peerId.toString(), protocols, addrs, agent }
}

const commands = {
  async dial ([ma]) {
    const conn = await node.dial(multiaddr(ma), { signal: withTimeout(10000) })
    return { peer: conn.remotePeer.toString(), remoteAddr: conn.remoteAddr.toString() }
  },
  async ping ([ma]) {
    const rtt = await node.services.ping.ping(multiaddr(ma), { signal: withTimeout(10000) })
    return { rtt }
  },
  async provide ([key]) {
    const cid = await keyToCid(key)
    await node.contentRouting.provide(cid, { signal: withTimeout(20000) })
    return { cid: cid.toString() }
  },
  async find ([key, count, ms]) {
    const cid = await keyToCid(key)
    const wanted = Number.parseInt(count ?? '20', 10)
    const providers = []
    const seen = new Set()
    try {
      for await (const p of node.contentRouting.findProviders(cid, { signal: withTimeout(Number.parseInt(ms ?? '10000', 10)) })) {
        const id = p.id.toString()
        if (seen.has(id)) continue
        seen.add(id)
        providers.push({ id, addrs: p.multiaddrs.map(a => a.toString()) })
        if (providers.length >= wanted) break
      }
    } catch (err) {
      if (providers.length === 0 && err.name !== 'AbortError' && err.name !== 'TimeoutError') throw err
    }
    return { cid: cid.toString(), providers }
  },
  async cid ([key]) {
    const cid = await keyToCid(key)
    return { cid: cid.toString(), multihash: Buffer.from(cid.multihash.bytes).toString('hex') }
  },
  async peers () {
    const peers = []
    for (const id of node.getPeers()) peers.push(await describePeer(id))
    return { peers }
  },
  async peer ([id]) {
    return describePeer(peerIdFromString(id))
  },
  async routing () {
    return { size: node.services.dht.routingTable?.size ?? -1 }
  }
}

await node.start()
out({ event: 'started', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(a => a.toString()) })

let stopping = false
async function stop (code) {
  if (stopping) return
  stopping = true
  try { await node.stop() } catch (err) { process.stderr.write(`stop: ${err}\n`) }
  process.exit(code)
}
process.on('SIGTERM', () => { stop(0) })

const rl = readline.createInterface({ input: process.stdin, terminal: false })
for await (const line of rl) {
  const words = line.trim().split(/\s+/).filter(w => w.length > 0)
  if (words.length === 0) continue
  const [name, ...args] = words
  if (name === 'quit') {
    out({ ok: true })
    await stop(0)
  }
  const handler = commands[name]
  if (handler == null) {
    out({ ok: false, error: `unknown command ${name}` })
    continue
  }
  try {
    out({ ok: true, ...(await handler(args)) })
  } catch (err) {
    out({ ok: false, error: String(err?.message ?? err) })
  }
}
// stdin closed: the Java side went away; never outlive it.
await stop(0)
