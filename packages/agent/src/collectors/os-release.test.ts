import { describe, expect, it } from 'vitest';
import { osNameAndVersion, parseOsRelease } from './os-release.js';

describe('os-release', () => {
  it('reads quoted and unquoted values and skips comments', () => {
    const fields = parseOsRelease(`# written by the distribution
PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.4 LTS (Jammy Jellyfish)"
ID=ubuntu
ID_LIKE=debian
HOME_URL='https://www.ubuntu.com/'
`);
    expect(fields.get('ID')).toBe('ubuntu');
    expect(fields.get('HOME_URL')).toBe('https://www.ubuntu.com/');
    expect(osNameAndVersion(fields)).toEqual({ name: 'Ubuntu', version: '22.04' });
  });

  it('handles rolling releases without a version and escaped quotes', () => {
    const fields = parseOsRelease('NAME="Arch \\"Linux\\""\nBUILD_ID=rolling\n');
    expect(osNameAndVersion(fields)).toEqual({ name: 'Arch "Linux"', version: 'rolling' });
    expect(osNameAndVersion(new Map())).toEqual({ name: 'Linux', version: '' });
  });
});
