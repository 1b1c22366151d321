import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SUBGRAPHS } from '../src/compose/subgraphs';

// No Prometheus or Grafana runs here: the files are checked against the metrics the code exposes
// (as documented in docs/observability.md, which observability.int-spec.ts checks against /metrics).
const root = join(__dirname, '..', '..');
const dir = join(root, 'deploy', 'observability');
const doc = readFileSync(join(root, 'docs', 'observability.md'), 'utf8');
const metricsIn = (expr: string): string[] =>
  [...expr.matchAll(/\b((?:civgrid|nodejs|process)_[a-z0-9_]+)/g)].map((m) => m[1].replace(/_(bucket|count|sum)$/, ''));
const documented = (name: string): boolean => doc.includes(`\`${name}\``) || /^(nodejs|process)_/.test(name);

describe('deploy/observability', () => {
  it('alerts on outbox backlog age, consumer lag, dead letters, error rate and p99 latency, over documented metrics', () => {
    const rules = (
      parse(readFileSync(join(dir, 'alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] }
    ).groups.flatMap((g) => g.rules);
    const byMetric = (name: string) => rules.filter((r) => metricsIn(r.expr).includes(name)).map((r) => r.alert);
    expect(byMetric('civgrid_outbox_oldest_unpublished_age_seconds')).not.toHaveLength(0);
    expect(byMetric('civgrid_consumer_lag_messages')).not.toHaveLength(0);
    expect(byMetric('civgrid_events_dead_lettered_total')).not.toHaveLength(0);
    expect(rules.some((r) => r.expr.includes('outcome="server_error"'))).toBe(true);
    expect(rules.some((r) => r.expr.includes('histogram_quantile(0.99'))).toBe(true);
    for (const r of rules)
      for (const m of metricsIn(r.expr))
        expect({ alert: r.alert, m, documented: documented(m) }).toEqual({ alert: r.alert, m, documented: true });
  });

  it('has a Grafana dashboard whose every query reads documented metrics', () => {
    const dashboard = JSON.parse(readFileSync(join(dir, 'grafana', 'dashboards', 'civgrid.json'), 'utf8')) as {
      uid: string;
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(10);
    for (const p of dashboard.panels)
      for (const t of p.targets)
        for (const m of metricsIn(t.expr))
          expect({ panel: p.title, m, documented: documented(m) }).toEqual({ panel: p.title, m, documented: true });
  });

  it('scrapes the gateway and every subgraph, and the compose profile starts Prometheus, Grafana, a collector and Jaeger with these files', () => {
    const prometheus = parse(readFileSync(join(dir, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { metrics_path: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = prometheus.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    expect(targets.sort()).toEqual([...SUBGRAPHS.map((s) => `${s.name}:4000`), 'gateway:4000'].sort());
    const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<string, { profiles?: string[]; volumes?: string[]; environment?: Record<string, string> }>;
    };
    const profiled = Object.entries(compose.services).filter(([, s]) => s.profiles?.includes('observability'));
    expect(profiled.map(([n]) => n).sort()).toEqual(['grafana', 'jaeger', 'otel-collector', 'prometheus']);
    const mounted = profiled.flatMap(([, s]) => s.volumes ?? []).map((v) => v.split(':')[0]);
    for (const file of ['prometheus.yml', 'alerts.yml', 'otel-collector.yaml', 'grafana/provisioning', 'grafana/dashboards'])
      expect(mounted).toContain(`./deploy/observability/${file}`);
    for (const name of [...SUBGRAPHS.map((s) => s.name), 'gateway'])
      expect(compose.services[name].environment?.['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe('${OTEL_EXPORTER_OTLP_ENDPOINT:-}');
  });
});
