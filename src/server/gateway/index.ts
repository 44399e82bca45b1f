/**
 * The live-data gateway: SensorThings API 1.1 over the scene's sites, MQTT ingest (embedded aedes broker or an
 * external broker), a seeded simulator, a history store that records every observation with a gateway-wide sequence
 * number before fanning it out, and a WebSocket stream with resume, gap markers and backpressure.
 *
 * Mount it in an HTTP server: `server.on('request', (q, s) => gw.handle(q, s, next))` and
 * `server.on('upgrade', (q, sock, head) => gw.upgrade(q, sock, head) || sock.destroy())`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { SceneCatalog } from '../../core/scene/catalog.js';
import type { StaModel } from '../../core/sta/types.js';
import { buildStaModel, planDatastreams } from '../../core/sta/model.js';
import { createStore, type ObservationStore } from './store/index.js';
import { IngestPipeline, type PipelineOptions } from './ingest/pipeline.js';
import { connectExternalBroker, startEmbeddedBroker, type MqttIngest } from './ingest/mqtt.js';
import { StreamHub, type HubOptions } from './stream/hub.js';
import { StaApi } from './sta/api.js';
import { handleApi } from './api.js';
import { startSimulator, type SimulatorRunner } from './simulator/runner.js';
import { startMavlinkIngest, type MavlinkIngest } from './ingest/mavlink.js';
import { handleFlightLogApi } from './flightlog.js';
import { restoreDroneThings } from './flightlog-thing.js';
import { VideoGateway } from '../video/gateway.js';

export type { ObservationStore } from './store/index.js';
export type { ClientStats, HubOptions } from './stream/hub.js';
export type { IngestError, PipelineStats } from './ingest/pipeline.js';

/** Options of createGateway. */
export interface GatewayOptions {
  /** Directory for the embedded store's file (created if missing). */
  dataDir: string;
  /** 'sqlite' (embedded, default), 'memory' (not persistent) or a postgres:// URL. */
  store?: string;
  /** 'embedded' (aedes on mqttHost:mqttPort, default), an external broker 'mqtt://host:port', or 'none'. */
  mqtt?: string;
  /**
   * Client id at an external broker (default 'city-twin-gateway'); give each gateway sharing a broker its own, so each
   * keeps its persistent session.
   */
  mqttClientId?: string;
  /** Port of the embedded broker (default 1883; 0 picks a free port, see Gateway.mqttPort). */
  mqttPort?: number;
  /** Interface the embedded broker binds (default 127.0.0.1). */
  mqttHost?: string;
  /** Run the built-in simulator for the scene's sites (default true). */
  simulate?: boolean;
  /** Simulator seed (default 20261123). */
  seed?: number;
  /** The scene whose sites become Things and Datastreams. */
  scene: SceneCatalog;
  /** Keep observations this many days (0 = forever, default 7; the demo scene's simulator writes ~180 MB/day). */
  retentionDays?: number;
  /** Ingest batching. */
  pipeline?: PipelineOptions;
  /** Stream backpressure settings. */
  stream?: HubOptions;
  /** MAVLink over UDP ingest, e.g. 'udp://127.0.0.1:14550' (default: none). */
  mavlink?: string;
  /**
   * Camera video sources: camera (site) id → MP4 file (H.264), served as HLS and HTTP-FLV under /api/video/<id>/
   * (see src/server/video/gateway.ts). Files PUT to /api/video/<id> are kept in <dataDir>/video/ and served too.
   */
  video?: Record<string, string>;
}

/** A running gateway. */
export interface Gateway {
  /** Connect-style handler for /v1.1/... and /api/...; calls next() for any other path. */
  handle(req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void;
  /** Handles a WebSocket upgrade for /stream; returns false (socket untouched) for other paths. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Port of the embedded MQTT broker (undefined with an external broker). */
  readonly mqttPort: number | undefined;
  /** The SensorThings entity graph. */
  readonly model: StaModel;
  /** The observation store. */
  readonly store: ObservationStore;
  /** The ingest pipeline (stats, errors, direct submission). */
  readonly pipeline: IngestPipeline;
  /** The stream hub (per-client stats). */
  readonly hub: StreamHub;
  /** The MAVLink UDP ingest, when `mavlink` was given. */
  readonly mavlink?: MavlinkIngest;
  /** The data directory (holds the embedded store and the list of run-time drones). */
  readonly dataDir: string;
  /** The camera video gateway (/api/video). */
  readonly video: VideoGateway;
  /** Writes everything pending. */
  flush(): Promise<void>;
  /** Stops the simulator, broker and streams, writes what is pending and closes the store. */
  close(): Promise<void>;
}

/** Creates and starts a gateway. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const store = await createStore(options.store ?? 'sqlite', options.dataDir);
  try {
    await store.open();
  } catch (err) {
    await store.close().catch(() => {});
    throw new Error(`gateway: cannot open the ${store.description} store: ${(err as Error).message}`);
  }
  const plans = planDatastreams(options.scene.sites ?? []);
  const ids = await store.assignDatastreamIds(plans.map((p) => p.key));
  const model = buildStaModel(options.scene.sites ?? [], plans, ids);
  // Drones added at run time (flight-log replays, MAVLink vehicles) by earlier runs on this data dir.
  await restoreDroneThings({ model, store, dataDir: options.dataDir }).catch(async (err) => {
    await store.close();
    throw err;
  });
  const lookup = (id: number) => model.datastreams.get(id);
  const pipeline = new IngestPipeline(store, lookup, options.pipeline);
  const hub = new StreamHub(store, lookup, () => pipeline.lastSeq(), options.stream, () => model.datastreams.keys());
  // A store shared by several gateways (PostgreSQL) streams every gateway's commits; otherwise this pipeline's.
  const unwatch = store.watch ? store.watch(store.lastSeq(), (rows) => hub.publish(rows)) : undefined;
  if (!unwatch) pipeline.onCommit((batch) => hub.publish(batch));
  const sta = new StaApi(model, store, pipeline);

  let mqtt: MqttIngest | undefined;
  const mode = options.mqtt ?? 'embedded';
  try {
    if (mode === 'embedded') mqtt = await startEmbeddedBroker(pipeline, options.mqttHost ?? '127.0.0.1', options.mqttPort ?? 1883);
    else if (/^mqtts?:\/\//.test(mode)) mqtt = await connectExternalBroker(pipeline, mode, options.mqttClientId);
    else if (mode !== 'none') throw new Error(`gateway mqtt: expected 'embedded', 'none' or mqtt://host:port, got '${mode}'`);
  } catch (err) {
    unwatch?.();
    await hub.close();
    await store.close();
    throw err;
  }

  let mavlink: MavlinkIngest | undefined;
  if (options.mavlink) {
    try {
      mavlink = await startMavlinkIngest({ model, store, pipeline, dataDir: options.dataDir }, options.mavlink);
    } catch (err) {
      await mqtt?.close();
      await hub.close();
      await store.close();
      throw err;
    }
  }

  if (mqtt?.publishObservations) {
    const pub = mqtt.publishObservations;
    pipeline.onCommit((batch) => pub(batch));
  }

  let sim: SimulatorRunner | undefined;
  if (options.simulate ?? true) {
    sim = startSimulator(
      pipeline,
      plans.map((plan) => ({ id: ids.get(plan.key)!, plan })),
      options.seed ?? 20261123,
    );
  }

  const retentionMs = (options.retentionDays ?? 7) * 86_400_000;
  const prune = () => {
    if (retentionMs > 0) void store.prune(Date.now() - retentionMs).catch((err) => console.warn(`gateway: retention prune failed: ${(err as Error).message}`));
  };
  prune();
  const pruneTimer = setInterval(prune, 3_600_000);
  pruneTimer.unref();

  const info = () => ({
    storeKind: store.description,
    mqtt: mqtt?.description ?? 'none',
    mavlink: mavlink ? mavlink.stats() : undefined,
    simulator: sim ? { running: true, submitted: sim.submitted() } : { running: false },
    datastreams: model.datastreams.size,
    things: model.things.size,
    retentionDays: options.retentionDays ?? 7,
  });
  const ctx = { model, store, pipeline, hub, info };
  let closed = false;

  const video = new VideoGateway(path.join(options.dataDir, 'video'));
  /** Stops every part, inputs first, so nothing is accepted that cannot be stored. */
  const shutdown = async (): Promise<void> => {
    sim?.stop();
    clearInterval(pruneTimer);
    await video.close();
    await mqtt?.close();
    await mavlink?.close();
    await pipeline.close();
    unwatch?.();
    await hub.close();
    await store.close();
  };
  try {
    for (const [id, file] of Object.entries(options.video ?? {})) await video.add(id, file);
    await video.loadUploads(Object.keys(options.video ?? {}));
  } catch (err) {
    await shutdown();
    throw err;
  }

  return {
    handle(req, res, next) {
      const u = req.url ?? '/';
      if (u.startsWith('/v1.1')) {
        sta.handle(req, res).then((ok) => ok || next(), next);
      } else if (u.startsWith('/api/video')) {
        video.handle(req, res).then((ok) => ok || next(), next);
      } else if (u.startsWith('/api/flightlogs')) {
        handleFlightLogApi({ model, store, pipeline, dataDir: options.dataDir }, req, res).then((ok) => ok || next(), next);
      } else if (u.startsWith('/api/')) {
        handleApi(ctx, req, res).then((ok) => ok || next(), next);
      } else next();
    },
    upgrade: (req, socket, head) => hub.upgrade(req, socket, head),
    mqttPort: mqtt?.port,
    model,
    store,
    pipeline,
    hub,
    mavlink,
    dataDir: options.dataDir,
    video,
    flush: () => pipeline.flush(),
    async close() {
      if (closed) return;
      closed = true;
      await shutdown();
    },
  };
}
