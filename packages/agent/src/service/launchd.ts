import { assertAbsolute, commandLine, type ServiceCommand } from './systemd.js';

export const LAUNCHD_LABEL = 'org.labmgr.agent';
export const DEFAULT_LAUNCHD_DIR = '/Library/LaunchDaemons';
export const LAUNCHD_LOG = '/var/log/labmgr-agent.log';

/**
 * A launchd daemon definition (UNTESTED: written from Apple's documentation,
 * never run on a Mac here). KeepAlive restarts the agent whenever it exits;
 * ThrottleInterval spaces restarts by 5 s, like RestartSec on Linux.
 */
export function launchdPlist(command: ServiceCommand): string {
  assertAbsolute(command);
  const args = commandLine(command)
    .map((a) => `    <string>${xmlEscape(a)}</string>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by "labmgr-agent install-service". UNTESTED on macOS. -->
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <true/>
  <key>ThrottleInterval</key>
  <integer>5</integer>
  <key>StandardOutPath</key>
  <string>${LAUNCHD_LOG}</string>
  <key>StandardErrorPath</key>
  <string>${LAUNCHD_LOG}</string>
</dict>
</plist>
`;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
