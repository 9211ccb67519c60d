import { describe, expect, it } from 'vitest';
import { remapAgentUser } from '../../../src/core/home.js';

describe('remapAgentUser', () => {
  it('moves agent to the host owner uid/gid, right after root', () => {
    const passwd =
      'root:x:0:0:root:/root:/bin/bash\nbin:x:2:2::/bin:/usr/sbin/nologin\nagent:x:1000:1000::/home/agent:/bin/bash\n';
    const group = 'root:x:0:\nagent:x:1000:\n';
    const out = remapAgentUser(passwd, group, 1234, 2345);
    expect(out.passwd.split('\n')[1]).toBe('agent:x:1234:2345::/home/agent:/bin/bash');
    expect(out.passwd).not.toContain(':1000:');
    expect(out.group.split('\n')[1]).toBe('agent:x:2345:');
  });
});
