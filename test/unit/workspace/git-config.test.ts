import { describe, expect, it } from 'vitest';
import {
  agentGlobalGitConfig,
  containerGitConfig,
  removeSection,
} from '../../../src/workspace/git-config.js';

const host = `[core]
\trepositoryformatversion = 0
\tbare = false
[remote "origin"]
\turl = git@github.com:me/repo.git
\tfetch = +refs/heads/*:refs/remotes/origin/*
[remote "local"]
\turl = /somewhere/else
[branch "main"]
\tremote = origin
`;

describe('containerGitConfig', () => {
  it('keeps the host config, replaces a remote named local, adds the wiring and identity', () => {
    const config = containerGitConfig(host, { branch: 'claude/x', userName: 'Dev "D"', userEmail: 'd@e' });
    expect(config).toContain('url = git@github.com:me/repo.git');
    expect(config).not.toContain('/somewhere/else');
    expect(config).toContain(
      '[remote "local"]\n\turl = /workspace/.git/launch-agent-gate\n\tfetch = +refs/heads/*:refs/remotes/local/*',
    );
    expect(config).toContain('[remote]\n\tpushDefault = local');
    expect(config).toContain('[push]\n\tautoSetupRemote = true');
    expect(config).toContain('name = "Dev \\"D\\""');
    expect(config).toContain('[branch "main"]');
  });

  it('removes only the named section', () => {
    expect(removeSection(host, 'remote "origin"')).not.toContain('github.com');
    expect(removeSection(host, 'remote "origin"')).toContain('/somewhere/else');
  });

  it('sets the gh credential helper only when gh auth is mounted', () => {
    expect(agentGlobalGitConfig({ ghCredentialHelper: false })).not.toContain('gh auth');
    expect(agentGlobalGitConfig({ ghCredentialHelper: true })).toContain('helper = !gh auth git-credential');
  });
});
