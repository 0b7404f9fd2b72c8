import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What operators watch on `/metrics` (Prometheus text). One registry per server instance. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'trygg_process_' });
  return {
    registry,
    alarmsRaised: new Counter({ name: 'trygg_alarms_raised_total', help: 'Alarms raised', labelNames: ['site', 'kind'], registers: [registry] }),
    pressesFolded: new Counter({ name: 'trygg_presses_folded_total', help: 'Repeated presses folded into an open alarm', labelNames: ['site'], registers: [registry] }),
    eventsRejected: new Counter({ name: 'trygg_events_rejected_total', help: 'Inbound messages rejected, by reason', labelNames: ['reason'], registers: [registry] }),
    pressesRejected: new Counter({ name: 'trygg_presses_rejected_total', help: 'Presses (and other alarm-raising events) the server could not accept, by reason and by whether a technical alarm told someone', labelNames: ['reason', 'told'], registers: [registry] }),
    eventsDuplicate: new Counter({ name: 'trygg_events_duplicate_total', help: 'Device events received again and deduplicated by eventId', registers: [registry] }),
    notificationLatency: new Histogram({
      name: 'trygg_notification_latency_seconds',
      help: 'From a device event reaching the server to its console pop-up being written to the WebSocket',
      labelNames: ['channel'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    escalationSteps: new Counter({ name: 'trygg_escalation_steps_total', help: 'Escalation steps by outcome', labelNames: ['outcome'], registers: [registry] }),
    alarmsReachedNobody: new Counter({ name: 'trygg_alarms_reached_nobody_total', help: 'Alarms whose whole chain found nobody online', registers: [registry] }),
    consoleStationsOnline: new Gauge({ name: 'trygg_console_stations_online', help: 'Console stations with a live connection', registers: [registry] }),
    stationCredentialsActive: new Gauge({ name: 'trygg_station_credentials_active', help: 'Enrolled station credentials not revoked (PCs that arm themselves)', registers: [registry] }),
    stationWatchesConnected: new Gauge({ name: 'trygg_station_watches_connected', help: 'Station watches (enrolled PCs) with a live socket', registers: [registry] }),
    openAlarms: new Gauge({ name: 'trygg_open_alarms', help: 'Alarms not yet resolved or cancelled', registers: [registry] }),
    gatewaysOnline: new Gauge({ name: 'trygg_gateways_online', help: 'Gateways whose last status is online', registers: [registry] }),
    httpRejected: new Counter({ name: 'trygg_http_rejected_total', help: 'HTTP requests answered with a 4xx error', labelNames: ['code'], registers: [registry] }),
    responseContractViolations: new Counter({ name: 'trygg_http_response_contract_violations_total', help: 'REST answers that did not match their route\'s response schema (a server bug; TRYGG_SRV_RESPONSE_CONTRACT)', labelNames: ['route'], registers: [registry] }),
    brokerRejected: new Counter({ name: 'trygg_broker_rejected_total', help: 'MQTT connections, publishes and subscriptions refused by the broker', labelNames: ['reason'], registers: [registry] }),
    brokerQos0Dropped: new Counter({ name: 'trygg_broker_qos0_dropped_total', help: 'QoS 0 messages (heartbeats) the embedded broker dropped under overload (too many waiting, or a subscriber that cannot keep up), so they never hold up a press', registers: [registry] }),
    heartbeatBatchesShed: new Counter({ name: 'trygg_heartbeat_batches_shed_total', help: 'Heartbeat batches dropped unprocessed because ingest was overloaded (presses are never shed)', registers: [registry] }),
    // Guessing and abuse (security/): every login outcome, every lockout started, refused sockets, CSP reports.
    loginAttempts: new Counter({ name: 'trygg_login_attempts_total', help: 'Console logins by outcome (success, failure, locked, rate-limited)', labelNames: ['outcome'], registers: [registry] }),
    authLockouts: new Counter({ name: 'trygg_auth_lockouts_total', help: 'Lockouts started after failed logins, by service (http, mqtt) and scope (account, address, pair)', labelNames: ['service', 'scope'], registers: [registry] }),
    httpConnectionsRefused: new Counter({ name: 'trygg_http_connections_refused_total', help: 'HTTP connections closed by a limit (per-address cap, request or idle timeout)', labelNames: ['reason'], registers: [registry] }),
    cspViolations: new Counter({ name: 'trygg_csp_violations_total', help: 'Content Security Policy violation reports from browsers, by directive', labelNames: ['directive'], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
