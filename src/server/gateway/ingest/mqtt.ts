/**
 * MQTT ingest with SensorThings topics (`v1.1/Datastreams(7)/Observations`, `v1.1/Observations`), QoS 1:
 * - embedded: an aedes broker on a TCP port; a publish is acknowledged (PUBACK) only after it is stored;
 * - external: a client of `mqtt://host:port` subscribed with QoS 1; its PUBACK to the broker is sent after storing.
 * Rejected payloads are acknowledged (so brokers do not redeliver them forever) and counted by the pipeline.
 */
import net from 'node:net';
import { Aedes, type Client as AedesClient, type PublishPacket } from 'aedes';
import mqtt from 'mqtt';
import { datastreamOfTopic } from '../../../core/sta/validate.js';
import type { StoredObservation } from '../../../core/sta/types.js';
import { RejectedError, type IngestPipeline } from './pipeline.js';

/** A running MQTT ingest. */
export interface MqttIngest {
  /** "embedded mqtt://127.0.0.1:1883" or "external mqtt://…". */
  readonly description: string;
  /** TCP port of the embedded broker (undefined for an external broker). */
  readonly port?: number;
  /** The embedded broker, if any (to publish server-side messages). */
  readonly broker?: Aedes;
  /**
   * Publishes committed observations as STA Observation entities (QoS 0) on `v1.1/Datastreams(<id>)/Observations`
   * for MQTT subscribers (embedded broker only; a no-op while nobody subscribes to `v1.1/...`).
   */
  publishObservations?(rows: readonly StoredObservation[]): void;
  close(): Promise<void>;
}

function ackFor(cb: (err?: Error | null) => void) {
  return (err?: Error | null) => cb(err && !(err instanceof RejectedError) ? err : null);
}

/** Starts an embedded aedes broker listening on host:port (port 0 picks a free one). */
export async function startEmbeddedBroker(pipeline: IngestPipeline, host: string, port: number): Promise<MqttIngest> {
  const broker = new Aedes({ drainTimeout: 10_000, concurrency: 1000 });
  await broker.listen();
  broker.authorizePublish = (client: AedesClient | null, packet: PublishPacket, callback: (error?: Error | null) => void) => {
    const topic = packet.topic;
    if (topic.startsWith('$SYS/')) return callback(new Error('$SYS/ topic is reserved'));
    const ds = datastreamOfTopic(topic);
    if (ds === undefined) {
      if (topic.startsWith('v1.1/')) {
        pipeline.reject(`mqtt ${client?.id ?? '?'}`, topic, 'bad-topic', 'publish observations to v1.1/Datastreams(<id>)/Observations', packet.payload);
      }
      return callback(null);
    }
    pipeline.submit(packet.payload as Buffer, ds, `mqtt ${client?.id ?? '?'}`, topic, ackFor(callback));
  };
  // STA subscribers get the stored Observation entity (with its @iot.id), never a device's raw payload: raw forwards on
  // observation topics are dropped, and every committed observation (MQTT, HTTP or simulator) is published once.
  const ours = new WeakSet<object>();
  broker.authorizeForward = (_client, packet) => (datastreamOfTopic(packet.topic) !== undefined && !ours.has(packet.payload as object) ? null : packet);
  const subsOf = new Map<string, Set<string>>();
  const isSta = (t: string) => t.startsWith('v1.1/') || t.startsWith('+') || t.startsWith('#');
  broker.on('subscribe', (subs, client) => {
    if (!client) return;
    const set = subsOf.get(client.id) ?? new Set<string>();
    for (const s of subs) if (isSta(s.topic)) set.add(s.topic);
    if (set.size) subsOf.set(client.id, set);
  });
  broker.on('unsubscribe', (topics, client) => {
    const set = client && subsOf.get(client.id);
    if (!set) return;
    for (const t of topics) set.delete(t);
    if (set.size === 0) subsOf.delete(client.id);
  });
  broker.on('clientDisconnect', (client) => subsOf.delete(client.id));
  const publishObservations = (rows: readonly StoredObservation[]) => {
    if (subsOf.size === 0) return;
    for (const o of rows) {
      const t = new Date(o.t).toISOString();
      const payload = Buffer.from(JSON.stringify({ '@iot.id': o.seq, phenomenonTime: t, resultTime: t, result: o.result }));
      ours.add(payload);
      broker.publish({ cmd: 'publish', topic: `v1.1/Datastreams(${o.ds})/Observations`, payload, qos: 0, retain: false, dup: false }, () => {});
    }
  };
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      broker.close();
      reject(new Error(`gateway: the embedded MQTT broker cannot listen on ${host}:${port}: ${err.code ?? err.message} (choose another mqttPort / --mqtt-port)`));
    });
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as net.AddressInfo).port;
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    description: `embedded mqtt://${host}:${actual}`,
    port: actual,
    broker,
    publishObservations,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Connects to an external broker and ingests everything published on the STA observation topics. */
export async function connectExternalBroker(pipeline: IngestPipeline, url: string, clientId = `city-twin-gateway`): Promise<MqttIngest> {
  const client = mqtt.connect(url, { clientId, clean: false, reconnectPeriod: 1000, connectTimeout: 10_000 });
  client.handleMessage = (packet, callback) => {
    const topic = packet.topic;
    const ds = datastreamOfTopic(topic);
    if (ds === undefined) {
      pipeline.reject(`mqtt ${url}`, topic, 'bad-topic', 'not an STA observation topic', packet.payload);
      return callback();
    }
    pipeline.submit(packet.payload as Buffer, ds, `mqtt ${url}`, topic, (err) =>
      callback(err && !(err instanceof RejectedError) ? err : undefined),
    );
  };
  await new Promise<void>((resolve, reject) => {
    const onErr = (err: Error) => {
      client.end(true);
      reject(new Error(`gateway: cannot connect to MQTT broker ${url}: ${err.message}`));
    };
    client.once('error', onErr);
    client.once('connect', () => {
      client.off('error', onErr);
      client.subscribe({ 'v1.1/+/Observations': { qos: 1 }, 'v1.1/Observations': { qos: 1 } }, (err) => (err ? onErr(err) : resolve()));
    });
  });
  client.on('error', (err) => console.warn(`gateway: MQTT ${url}: ${err.message}`));
  return {
    description: `external ${url}`,
    close: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}
