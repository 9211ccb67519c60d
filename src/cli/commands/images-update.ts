import { type Command, Option } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';
import { stepLines } from '../step-lines.js';

/** `images update [AGENT...]`: newer agent CLIs from npm, rebuilt only when one is new. */
export function registerImagesUpdate(images: Command): void {
  addCommonOptions(
    images
      .command('update [agents...]')
      .description(
        'ask npm for the newest agent CLIs and rebuild only if one is new (default: every agent; the others keep their versions)',
      )
      .option('--base-image <image>', 'the base image of the chain to update')
      .option('--ca-bundle <file>', 'the CA bundle of the chain to update')
      .addOption(new Option('--images-dir <dir>', 'build contexts directory (tests)').hideHelp())
      .addOption(new Option('--image-namespace <name>', 'repository namespace (tests)').hideHelp()),
  ).action(
    async (
      names: string[],
      flags: CommonOptions & {
        baseImage?: string;
        caBundle?: string;
        imagesDir?: string;
        imageNamespace?: string;
      },
    ) => {
      const ctx = new CliContext(flags);
      const { getAgent } = await import('../../agents/registry.js');
      const chosen = names.map((name) => getAgent(name).name);
      const { updateImages } = await import('../../core/images/update.js');
      const engine = await ctx.engine();
      using progress = await ctx.progress();
      const result = await updateImages(engine, {
        agents: chosen,
        baseImage: flags.baseImage,
        caBundle: flags.caBundle,
        imagesDir: flags.imagesDir,
        namespace: flags.imageNamespace,
        onProgress: stepLines(ctx, progress.report),
        onOutput: ctx.logger.verbose ? (text) => ctx.logger.debug(text.trimEnd()) : undefined,
      });
      ctx.print(result, () => {
        const lines = result.checked.map((c) =>
          c.updated
            ? `${c.agent.padEnd(8)} ${c.installed ?? '(not built)'} -> ${c.newest}`
            : `${c.agent.padEnd(8)} ${c.newest} (the newest)`,
        );
        lines.push(
          result.build
            ? `built ${result.built} of ${result.build.images.length} images`
            : 'nothing new, nothing built',
        );
        return lines.join('\n');
      });
    },
  );
}
