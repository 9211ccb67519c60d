import { type Command, Option } from 'commander';
import { AGENT_NAMES, type AgentDescriptor, type AgentName } from '../../agents/types.js';
import { LaunchError } from '../../errors.js';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';
import { stepLines } from '../step-lines.js';
import { formatBytes, table } from '../table.js';
import { registerImagesUpdate } from './images-update.js';

interface BuildFlags extends CommonOptions {
  agent?: string;
  all?: boolean;
  baseImage?: string;
  cache: boolean;
  pull?: boolean;
  caBundle?: string;
  agentVersion?: string[];
  imagesDir?: string;
  imageNamespace?: string;
}

export function registerImages(program: Command): void {
  const images = program
    .command('images')
    .summary('build, update, list and prune the agent images')
    .description('build, update and list the agent images (base -> agents -> <agent> -> per-project)');

  addCommonOptions(
    images
      .command('build')
      .description('build the images that are missing or stale; an up-to-date chain builds nothing')
      .option('-a, --agent <agent>', `one agent's images (${AGENT_NAMES.join(', ')})`)
      .option('--all', 'every agent (the default)')
      .option(
        '--base-image <image>',
        'image to build on (default: LAUNCH_AGENT_BASE_IMAGE, config base_image, node:22-bookworm-slim)',
      )
      .option(
        '--no-cache',
        'rebuild every layer without the engine cache (`images update` picks up new CLI releases)',
      )
      .option('--pull', 'pull the base image even if it is present')
      .option(
        '--ca-bundle <file>',
        'extra CA certificates (PEM) to trust in builds and containers (default: config ca_bundle, NODE_EXTRA_CA_CERTS)',
      )
      .option(
        '--agent-version <agent=version>',
        'npm version of an agent CLI, e.g. claude=2.1.0 (repeatable)',
        collect,
      )
      .addOption(new Option('--images-dir <dir>', 'build contexts directory (tests)').hideHelp())
      .addOption(new Option('--image-namespace <name>', 'repository namespace (tests)').hideHelp()),
  ).action(async (flags: BuildFlags) => {
    const ctx = new CliContext(flags);
    if (flags.agent && flags.all) throw new LaunchError('USAGE', '--agent and --all exclude each other');
    const { getAgent } = await import('../../agents/registry.js');
    const agent = flags.agent === undefined ? undefined : getAgent(flags.agent).name;
    const versions = parseVersions(flags.agentVersion ?? [], getAgent);
    const { ensureImages } = await import('../../core/images.js');
    const engine = await ctx.engine();
    using progress = await ctx.progress();
    const result = await ensureImages(engine, {
      agent,
      all: !agent,
      baseImage: flags.baseImage,
      caBundle: flags.caBundle,
      noCache: !flags.cache,
      pull: flags.pull,
      versions,
      imagesDir: flags.imagesDir,
      namespace: flags.imageNamespace,
      onProgress: stepLines(ctx, progress.report),
      onOutput: ctx.logger.verbose ? (text) => ctx.logger.debug(text.trimEnd()) : undefined,
    });
    ctx.print(result, () => {
      const lines = result.images.map((i) => `${i.ref.padEnd(36)} ${i.built ? 'built' : 'up to date'}`);
      const total = result.images.length;
      lines.push(
        result.built === 0
          ? `all ${total} images up to date, nothing built`
          : `built ${result.built} of ${total} images on ${result.baseImage}`,
      );
      return lines.join('\n');
    });
  });

  registerImagesUpdate(images);

  addCommonOptions(
    images
      .command('list')
      .description('name, tag, created, size, agent versions, and whether each image is stale')
      .option('--base-image <image>', 'judge staleness against this base image')
      .option('--ca-bundle <file>', 'judge staleness with this CA bundle')
      .addOption(new Option('--images-dir <dir>', 'build contexts directory (tests)').hideHelp())
      .addOption(new Option('--image-namespace <name>', 'repository namespace (tests)').hideHelp()),
  ).action(
    async (
      flags: CommonOptions & {
        baseImage?: string;
        caBundle?: string;
        imagesDir?: string;
        imageNamespace?: string;
      },
    ) => {
      const ctx = new CliContext(flags);
      const { imageStatus } = await import('../../core/images.js');
      const { projectImages } = await import('../../core/images/project-layer.js');
      const { newestVersions } = await import('../../core/images/update.js');
      const engine = await ctx.engine();
      const [chain, newest] = await Promise.all([
        imageStatus(engine, {
          all: true,
          baseImage: flags.baseImage,
          caBundle: flags.caBundle,
          imagesDir: flags.imagesDir,
          namespace: flags.imageNamespace,
        }),
        newestVersions(),
      ]);
      const currentIds = chain.images.filter((i) => i.state === 'current' && i.id).map((i) => i.id as string);
      const projects = await projectImages(engine, flags.imageNamespace, new Set(currentIds));
      const status = { ...chain, projects, newest };
      ctx.print(status, () => {
        const headers = ['IMAGE', 'TAG', 'CREATED', 'SIZE', 'STATE', 'AGENTS'];
        const rows = status.images.map((i) => [
          i.repo,
          i.tag ?? '-',
          i.created ? i.created.slice(0, 19).replace('T', ' ') : '-',
          i.size === undefined ? '-' : formatBytes(i.size),
          i.state,
          Object.entries(i.agentVersions)
            .filter(([name]) => i.name === 'agents' || i.name === name)
            .map(([name, v]) => {
              const latest = newest.versions[name as keyof typeof newest.versions];
              return latest && latest !== v ? `${name} ${v} (newest ${latest})` : `${name} ${v}`;
            })
            .join(', ') || '-',
        ]);
        const base = status.baseImagePresent
          ? status.baseImage
          : `${status.baseImage} (not here: images build pulls it)`;
        const stale = status.images.some((i) =>
          Object.entries(i.agentVersions).some(([name, v]) => {
            const latest = newest.versions[name as keyof typeof newest.versions];
            return latest !== undefined && latest !== v;
          }),
        );
        const notes = [
          `base image: ${base}`,
          ...(stale ? ['newer agent CLIs are out: `launch-agent images update` installs them'] : []),
          ...(newest.error ? [`newest versions unknown: ${newest.error}`] : []),
        ];
        const out = `${table(headers, rows)}\n${notes.join('\n')}`;
        if (projects.length === 0) return out;
        const projectRows = projects.map((p) => [
          `${p.repo}:${p.tag ?? '-'}`,
          p.agent ?? '-',
          p.created.slice(0, 19).replace('T', ' '),
          formatBytes(p.size),
          p.state,
          `${p.sources.join('+') || '-'}  ${p.projects.join(', ') || '-'}`,
        ]);
        const projectHeaders = ['PER-PROJECT IMAGE', 'AGENT', 'CREATED', 'SIZE', 'STATE', 'FROM  PROJECTS'];
        return `${out}\n\n${table(projectHeaders, projectRows)}`;
      });
    },
  );
  addCommonOptions(
    images
      .command('prune')
      .description(
        'remove superseded images (not :latest, not what the current inputs call for); lists them without --yes',
      )
      .option('-y, --yes', 'remove them')
      .option('--base-image <image>', 'the base image the images to keep are built on')
      .option('--ca-bundle <file>', 'the CA bundle the images to keep are built with')
      .addOption(new Option('--images-dir <dir>', 'build contexts directory (tests)').hideHelp())
      .addOption(new Option('--image-namespace <name>', 'repository namespace (tests)').hideHelp()),
  ).action(
    async (
      flags: CommonOptions & {
        yes?: boolean;
        baseImage?: string;
        caBundle?: string;
        imagesDir?: string;
        imageNamespace?: string;
      },
    ) => {
      const ctx = new CliContext(flags);
      const { pruneImages } = await import('../../core/images/prune.js');
      const result = await pruneImages(await ctx.engine(), {
        yes: flags.yes ?? false,
        baseImage: flags.baseImage,
        caBundle: flags.caBundle,
        imagesDir: flags.imagesDir,
        namespace: flags.imageNamespace,
      });
      ctx.print(result, () => {
        const verb = result.removed ? 'removed' : 'would remove';
        const lines = result.removable.map(
          (i) => `${verb} ${i.ref} (${formatBytes(i.size)}, ${i.created.slice(0, 10)})`,
        );
        for (const k of result.kept) lines.push(`kept ${k.ref}: ${k.reason}`);
        if (result.removable.length === 0 && result.kept.length === 0) lines.push('no superseded images');
        else if (!result.removed && result.removable.length > 0) lines.push('run with --yes to remove them');
        return lines.join('\n');
      });
    },
  );
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function parseVersions(
  pairs: string[],
  getAgent: (name: string) => AgentDescriptor,
): Partial<Record<AgentName, string>> {
  const versions: Partial<Record<AgentName, string>> = {};
  for (const pair of pairs) {
    const match = /^([a-z]+)=(\S+)$/.exec(pair);
    if (!match) throw new LaunchError('USAGE', `--agent-version expects AGENT=VERSION, got \`${pair}\``);
    versions[getAgent(match[1]!).name] = match[2]!;
  }
  return versions;
}
