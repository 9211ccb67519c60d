import { METHOD_LABELS } from './methods.js';
import { markdownTable, mb, seconds, spread, textTable } from './report.js';

const TARGETS = {
  mediumSeconds: 1.5,
  floorRatio: 1.5,
  helpMs: 150,
  listMs: 400,
  imagesMs: 300,
  idleBytes: 10e6,
};

/** The same tables as plain text (stdout) and markdown (docs/benchmarks.md). */
export function renderReport(result) {
  const sections = tables(result);
  const text = sections
    .map(({ title, header, rows, notes = [] }) =>
      [title, header ? textTable(header, rows) : rows.map((r) => r.join('  ')).join('\n'), ...notes].join(
        '\n',
      ),
    )
    .join('\n\n');
  const markdown = sections
    .map(({ title, header, rows, notes = [] }) =>
      [
        `### ${title}`,
        '',
        header ? markdownTable(header, rows) : rows.map((r) => `- ${r.join(' ')}`).join('\n'),
        ...(notes.length ? ['', ...notes] : []),
      ].join('\n'),
    )
    .join('\n\n');
  return { text, markdown };
}

function tables(input) {
  const failed = [
    ...input.repos.filter((r) => r.error).map((r) => `${r.name} repo: ${r.error}`),
    ...['second', 'cli', 'profile', 'images']
      .filter((k) => input[k]?.error)
      .map((k) => `${k}: ${input[k].error}`),
  ];
  const result = {
    ...input,
    repos: input.repos.filter((r) => !r.error),
    ...Object.fromEntries(
      ['second', 'cli', 'profile', 'images'].map((k) => [k, input[k]?.error ? null : input[k]]),
    ),
  };
  const methods = Object.keys(result.repos[0]?.stats ?? {});
  const alternatives = methods.filter((m) => m !== 'ours');
  const n = result.iterations;
  const out = [];
  out.push({
    title: `Launch-to-ready, warm images: median${n > 1 ? ` of ${n} (min-max)` : ''}, seconds`,
    header: ['repo', 'files', 'size (.git)', 'objects', ...methods.map((m) => METHOD_LABELS[m])],
    rows: result.repos.map((r) => [
      r.name,
      r.repo.files,
      `${mb(r.repo.totalBytes)} (${mb(r.repo.gitBytes)})`,
      r.repo.objects,
      ...methods.map((m) => spread(r.stats[m])),
    ]),
  });
  out.push({
    title: 'launch-agent time / alternative time (below 1: launch-agent is faster)',
    header: ['repo', ...alternatives.map((m) => METHOD_LABELS[m])],
    rows: result.repos.map((r) => [r.name, ...alternatives.map((m) => r.ratios[m]?.toFixed(2) ?? '-')]),
  });
  const partNames = [...new Set(result.repos.flatMap((r) => Object.keys(r.parts.ours ?? {})))];
  out.push({
    title: 'launch-agent steps (median ms; "other" = node start-up, repo facts, image check, plan)',
    header: ['repo', ...partNames, 'total'],
    rows: result.repos.map((r) => [
      r.name,
      ...partNames.map((p) => Math.round(r.parts.ours?.[p]?.median ?? 0)),
      Math.round(r.stats.ours.median),
    ]),
  });
  if (result.second) {
    const s = result.second;
    out.push({
      title: 'Second agent on the same repo while the first runs (medium)',
      header: null,
      rows: [
        [`first launch ${seconds(s.firstMs)} s, second ${seconds(s.secondMs)} s`],
        [
          `extra disk: ${mb(s.extraDisk.total)} (workspace volume ${mb(s.extraDisk.volume)}, container layer ${mb(s.extraDisk.containerLayer)}); the image layers are shared`,
        ],
        [
          `idle memory after ${s.idle.afterSeconds} s: ${s.idle.dockerStatsText} (docker stats)${s.idle.cgroup ? `; cgroup usage ${mb(s.idle.cgroup.usage)}, rss ${mb(s.idle.cgroup.rss)}, page cache ${mb(s.idle.cgroup.cache)}` : ''}`,
        ],
      ],
    });
  }
  if (result.cli) {
    const c = result.cli;
    const ms = (stat) =>
      stat ? `${Math.round(stat.median)} ms (${Math.round(stat.min)}-${Math.round(stat.max)})` : '-';
    const rows = [
      ['node -e 0 (the floor of any node CLI)', ms(c.nodeBare)],
      ['launch-agent --version', ms(c.version)],
      ['launch-agent --help', ms(c.help)],
      [`launch-agent images build (all up to date: ${c.imagesUpToDate ? 'yes' : 'NO'})`, ms(c.imagesBuild)],
    ];
    if (c.list.missing) rows.push(['launch-agent list', c.list.missing]);
    else {
      rows.push([
        `launch-agent list (${c.list.containers} containers, ${c.list.listed} listed)`,
        ms(c.list.text),
      ]);
      rows.push(['launch-agent list --json', ms(c.list.json)]);
      rows.push(['launch-agent list --quiet (no git checks)', ms(c.list.quiet)]);
    }
    out.push({ title: `CLI overhead (median of ${c.repeats}, min-max)`, header: ['command', 'time'], rows });
  }
  if (result.images) {
    const i = result.images;
    out.push({
      title: 'Images (bench/images.js)',
      header: null,
      rows: (i.lines ?? [i.missing ?? `bench/images.js failed: ${i.failed}`]).map((line) => [line.trim()]),
    });
  }
  if (result.profile) out.push(profileSection(result));
  out.push(targetsSection(result));
  if (failed.length > 0)
    out.push({ title: 'Failed parts of this run', header: null, rows: failed.map((f) => [f]) });
  out.push({
    title: 'Machine',
    header: null,
    rows: machineRows(result),
  });
  return out;
}

function profileSection(result) {
  const p = result.profile;
  const ms = (stat) => (stat ? `${Math.round(stat.median)} ms` : '-');
  const medium = result.repos.find((r) => r.name === 'medium') ?? result.repos[0];
  const rows = [
    ['git ls-files (cached + others)', ms(p.gitLsFiles)],
    ['readRepo (rev-parse, refs, config)', ms(p.readRepo)],
    ["tar built in-process (the launcher's own modules), bytes discarded", ms(p.tarToDevNull)],
    [`engine extracts that tar (${mb(p.tarBytes)}) into a fresh volume (docker cp -)`, ms(p.engineExtract)],
    [
      'host cp -a into a fresh volume folder / into a scratch folder',
      p.hostCopyIntoScratch ? `${p.hostCopyIntoVolume ?? '-'} ms / ${p.hostCopyIntoScratch} ms` : '-',
    ],
    [
      'docker create / docker start (CLI)',
      p.dockerCreate ? `${p.dockerCreate} ms / ${p.dockerStart} ms` : '-',
    ],
    [
      'launch-agent copy step (helper container cp, or tar + PUT /archive without one)',
      ms(medium.parts.ours?.copy),
    ],
  ];
  return {
    title: `Where the copy goes (${medium.name} repo)`,
    header: ['part', 'time'],
    rows,
    notes: p.inProcessError ? [p.inProcessError] : [],
  };
}

function targetsSection(result) {
  const medium = result.repos.find((r) => r.name === 'medium');
  const rows = [];
  const check = (what, ok, detail) => rows.push([ok === null ? 'n/a' : ok ? 'met' : 'MISSED', what, detail]);
  if (medium) {
    const t = medium.stats.ours.median;
    check(
      `medium launch-to-ready < ${TARGETS.mediumSeconds} s`,
      t < TARGETS.mediumSeconds * 1000,
      `${seconds(t)} s`,
    );
    if (medium.stats.floor) {
      const ratio = t / medium.stats.floor.median;
      check(
        `medium <= ${TARGETS.floorRatio}x the floor (d)`,
        ratio <= TARGETS.floorRatio,
        `${ratio.toFixed(2)}x`,
      );
    }
    for (const m of ['bindCp', 'dockerCp', 'devcontainer']) {
      if (!medium.stats[m]) continue;
      const ratio = t / medium.stats[m].median;
      check(`medium faster than ${METHOD_LABELS[m]}`, ratio < 1, `${ratio.toFixed(2)}x`);
    }
  } else {
    check('medium repo targets', null, 'medium repo not in this run');
  }
  const c = result.cli;
  if (c) {
    check(`--help < ${TARGETS.helpMs} ms`, c.help.median < TARGETS.helpMs, `${Math.round(c.help.median)} ms`);
    if (c.list.missing) check(`list with 20 containers < ${TARGETS.listMs} ms`, null, c.list.missing);
    else
      check(
        `list with ${c.list.containers} containers < ${TARGETS.listMs} ms`,
        c.list.text.median < TARGETS.listMs,
        `${Math.round(c.list.text.median)} ms`,
      );
    check(
      `up-to-date images build < ${TARGETS.imagesMs} ms`,
      c.imagesBuild.median < TARGETS.imagesMs,
      `${Math.round(c.imagesBuild.median)} ms`,
    );
  }
  if (result.second) {
    const idle = result.second.idle.dockerStats;
    check(
      `idle container < ${mb(TARGETS.idleBytes)}`,
      idle !== null && idle < TARGETS.idleBytes,
      result.second.idle.dockerStatsText,
    );
  }
  return { title: 'Targets', header: ['', 'target', 'measured'], rows };
}

function machineRows(result) {
  const m = result.machine;
  const e = m.engine;
  return [
    [`${m.nproc} CPUs (${m.cpu}), ${mb(m.memoryBytes)} memory, ${m.os}`],
    [
      `Docker Engine ${e.server} (API ${e.api}, client ${e.client}), ${e.os}, storage driver ${e.storageDriver}${e.backingFilesystem ? ` on ${e.backingFilesystem}` : ''}, cgroup ${e.cgroup}`,
    ],
    [`node ${m.node}, ${m.git}, devcontainer CLI ${m.devcontainerCli}, launch-agent ${m.launchAgent}`],
    [
      `image ${result.image} (base ${result.baseImage}); run ${result.runId}${result.quick ? ' (quick mode)' : ''}, ${result.started}`,
    ],
  ];
}
