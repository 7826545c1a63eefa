/**
 * Template-miner check on log formats the miner was not developed on: synthetic logs written in the formats
 * of eight other Loghub systems (OpenSSH, Proxifier, Spark, Apache, Thunderbird, Windows, HPC, Android),
 * from 6–20 hand-written event templates each, with realistic values (IP addresses, ports, user names, package
 * names, sizes such as `1190 bytes (1.16 KB)`, quoted phrases). The truth is known by construction: each
 * `{kind}` is a variable. An evaluation only (never tune on it): it catches a header or grouping failure on
 * an unfamiliar layout, which the real held-out logs would show as a collapsed system.
 *
 *   [SEED=<n>] [SHOW=<System>] npm run bench:logs:synthetic   (SHOW prints the groups that differ)
 *
 * Grouping (GA, FGA) is what it measures; PA/FTA are printed but depend on template-text conventions (what
 * belongs to the header, `host:port` as one value or two) that hand-written truth cannot settle.
 */
import { LogAnalyzer } from '../lambdas/core/logs/analyzer.ts';
import { scoreParsing } from './log-metrics.ts';
import { scriptArgs } from './script-args.ts';

scriptArgs({
  name: 'log-synthetic',
  usage:
    '[SEED=<n>] [SHOW=<System>] npm run bench:logs:synthetic   (no options: settings are environment variables)',
  options: {},
});

let seed = Number(process.env.SEED ?? 7);
/** A fixed linear congruential generator: the same logs on every run for a seed. */
const rnd = (): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const int = (a: number, b: number) => a + Math.floor(rnd() * (b - a + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const ip = () =>
  pick([
    `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
    `10.${int(0, 9)}.${int(0, 255)}.${int(1, 254)}`,
    '173.234.31.186',
    '112.95.230.3',
  ]);
const users = [
  'root',
  'admin',
  'test',
  'oracle',
  'webmaster',
  'guest',
  'ftpuser',
  'pi',
  'ubnt',
  'support',
  'user',
  'git',
  'postgres',
  'nagios',
  'ts3',
  'mysql',
  'fangdm',
  'curi',
];
const hostsFq = () =>
  pick([
    'ns.marryaldkfaczcz.com',
    'www.google.com',
    'proxy.cse.cuhk.edu.hk',
    `${pick(['mail', 'www', 'api', 'cdn'])}.${pick(['example', 'qq', 'baidu', 'sina', 'dropbox'])}.${pick(['com', 'cn', 'net', 'com.cn', 'io'])}`,
    `host-${int(1, 99)}.static.${pick(['tpgi', 'ovh'])}.net`,
  ]);
const V: Record<string, () => string> = {
  ip,
  user: () => pick(users),
  port: () => String(int(1024, 65535)),
  num: () => String(int(0, 5000)),
  small: () => String(int(0, 40)),
  host: hostsFq,
  pid: () => String(int(1000, 32000)),
  prog: () =>
    pick([
      'chrome.exe',
      'firefox.exe',
      'Dropbox.exe',
      'Skype.exe',
      'svchost.exe *64',
      'WeChat.exe',
      'QQ.exe',
      'YodaoDict.exe',
      'git-remote-https.exe',
    ]),
  bytes: () => {
    const n = pick([0, int(1, 1023), int(1024, 10_000_000)]);
    return n < 1024
      ? `${n} bytes`
      : `${n} bytes (${n / 1024 > 1024 ? `${(n / 1048576).toFixed(2)} MB` : `${(n / 1024).toFixed(2)} KB`})`;
  },
  life: () =>
    pick([
      '<1 sec',
      `00:${pad(int(0, 59))}`,
      `${pad(int(0, 9))}:${pad(int(0, 59))}`,
      `${int(0, 3)}:${pad(int(0, 59))}:${pad(int(0, 59))}`,
    ]),
  size: () => `${(rnd() * 900).toFixed(1)} ${pick(['KB', 'MB', 'B'])}`,
  hex: () => int(0, 2 ** 31).toString(16),
  uuid: () => crypto.randomUUID(),
  path: () =>
    `/${pick(['var', 'opt', 'tmp', 'home'])}/${pick(['www', 'data', 'log', 'spark'])}/${pick(['index.html', 'robots.txt', 'favicon.ico', 'cgi-bin/test.cgi', 'a/b.php'])}`,
  ver: () => `${int(6, 10)}.${int(0, 3)}.${int(7000, 7999)}.${int(16000, 23999)}`,
  kb: () => String(int(900000, 3999999)),
  comp: () => pick(['alt0', 'scsi0', 'eth0', 'psu1', 'fan2']),
  node: () => `node-${int(1, 400)}`,
  pkg: () =>
    pick(['com.android.systemui', 'com.tencent.mm', 'com.android.phone', 'com.huawei.health', 'android']),
  tag: () =>
    pick(['"View Lock"', '"RILJ_ACK_WL"', '"WindowManager"', '"*alarm*"', '"AudioMix"', '"NlpWakeLock"']),
  bool: () => pick(['true', 'false']),
  ms: () => String(int(0, 900)),
  word: () => pick(['yarn', 'curi', 'hadoop', 'spark']),
};
const fill = (t: string) =>
  t.replace(/\{(\w+)\}/g, (_, k: string) =>
    (
      V[k] ??
      (() => {
        throw new Error(k);
      })
    )(),
  );
const truthOf = (t: string) => t.replace(/\{\w+\}/g, '<*>');

type Sys = {
  name: string;
  header: (level: string, comp: string) => string;
  templates: [string, string, string][];
}; // [level, component, content]
const month = () => pick(['Dec', 'Jan']);
const clock = () => `${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}`;
const systems: Sys[] = [
  {
    name: 'OpenSSH*',
    header: () => `${month()} ${pad(int(1, 28))} ${clock()} LabSZ sshd[${int(1000, 30000)}]: `,
    templates: [
      ['', '', 'reverse mapping checking getaddrinfo for {host} [{ip}] failed - POSSIBLE BREAK-IN ATTEMPT!'],
      ['', '', 'Invalid user {user} from {ip}'],
      ['', '', 'input_userauth_request: invalid user {user} [preauth]'],
      ['', '', 'pam_unix(sshd:auth): check pass; user unknown'],
      [
        '',
        '',
        'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}',
      ],
      [
        '',
        '',
        'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user={user}',
      ],
      ['', '', 'Failed password for invalid user {user} from {ip} port {port} ssh2'],
      ['', '', 'Failed password for {user} from {ip} port {port} ssh2'],
      ['', '', 'Connection closed by {ip} [preauth]'],
      ['', '', 'Received disconnect from {ip}: 11: Bye Bye [preauth]'],
      ['', '', 'Accepted password for {user} from {ip} port {port} ssh2'],
      ['', '', 'pam_unix(sshd:session): session opened for user {user} by (uid=0)'],
      ['', '', 'pam_unix(sshd:session): session closed for user {user}'],
      ['', '', 'message repeated {small} times: [ Failed password for {user} from {ip} port {port} ssh2]'],
      ['', '', 'Did not receive identification string from {ip}'],
      [
        '',
        '',
        'PAM {small} more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user={user}',
      ],
      ['', '', 'Disconnecting: Too many authentication failures for {user} [preauth]'],
      ['', '', 'fatal: Read from socket failed: Connection reset by peer [preauth]'],
      ['', '', 'error: Received disconnect from {ip}: 3: com.jcraft.jsch.JSchException: Auth fail [preauth]'],
    ],
  },
  {
    name: 'Proxifier*',
    header: () => `[${pad(int(10, 11))}.${pad(int(1, 30))} ${clock()}] `,
    templates: [
      ['', '', '{prog} - {host}:{port} open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS'],
      ['', '', '{prog} - {host}:{port} close, {bytes} sent, {bytes} received, lifetime {life}'],
      ['', '', '{prog} - {host}:{port} open through proxy proxy.cse.cuhk.edu.hk:5070 SOCKS5'],
      [
        '',
        '',
        '{prog} - {host}:{port} error : Could not connect through proxy proxy.cse.cuhk.edu.hk:5070 - Proxy server cannot establish a connection with the target, status code {small}',
      ],
      ['', '', '{prog} - {host}:{port} open directly'],
      [
        '',
        '',
        '{prog} - {host}:{port} close, {bytes} sent, {bytes} received, lifetime {life}, connection reset',
      ],
    ],
  },
  {
    name: 'Spark*',
    header: (l, c) => `17/06/${pad(int(8, 9))} ${clock()} ${l || 'INFO'} ${c}: `,
    templates: [
      ['', 'executor.CoarseGrainedExecutorBackend', 'Registered signal handlers for [TERM, HUP, INT]'],
      ['', 'spark.SecurityManager', 'Changing view acls to: yarn,curi'],
      ['', 'spark.SecurityManager', 'Changing modify acls to: yarn,curi'],
      [
        '',
        'spark.SecurityManager',
        'SecurityManager: authentication disabled; ui acls disabled; users with view permissions: Set(yarn, curi); users with modify permissions: Set(yarn, curi)',
      ],
      ['', 'storage.BlockManager', 'Found block rdd_{small}_{small} locally'],
      [
        '',
        'executor.Executor',
        'Finished task {small}.0 in stage {small}.0 (TID {num}). {num} bytes result sent to driver',
      ],
      ['', 'executor.Executor', 'Running task {small}.0 in stage {small}.0 (TID {num})'],
      ['', 'executor.CoarseGrainedExecutorBackend', 'Got assigned task {num}'],
      ['', 'broadcast.TorrentBroadcast', 'Started reading broadcast variable {small}'],
      [
        '',
        'storage.MemoryStore',
        'Block broadcast_{small}_piece0 stored as bytes in memory (estimated size {size}, free {size})',
      ],
      ['', 'broadcast.TorrentBroadcast', 'Reading broadcast variable {small} took {ms} ms'],
      ['', 'spark.CacheManager', 'Partition rdd_{small}_{small} not found, computing it'],
      [
        '',
        'rdd.HadoopRDD',
        'Input split: hdfs://10.10.34.11:9000/pjhe/test/{small}/testPart{small}.txt:{num}+{num}',
      ],
      [
        '',
        'executor.CoarseGrainedExecutorBackend',
        'Connecting to driver: spark://CoarseGrainedScheduler@{ip}:{port}',
      ],
      ['', 'executor.CoarseGrainedExecutorBackend', 'Successfully registered with driver'],
      ['', 'executor.Executor', 'Starting executor ID {small} on host mesos-slave-{small}'],
      [
        'WARN',
        'executor.Executor',
        'Executor is trying to kill task {small}.0 in stage {small}.0 (TID {num})',
      ],
      ['', 'util.ShutdownHookManager', 'Shutdown hook called'],
      ['ERROR', 'executor.CoarseGrainedExecutorBackend', 'RECEIVED SIGNAL 15: SIGTERM'],
    ],
  },
  {
    name: 'Apache*',
    header: (l) => `[${pick(['Sun', 'Mon', 'Tue'])} Dec ${pad(int(4, 9))} ${clock()} 2005] [${l}] `,
    templates: [
      ['notice', '', 'workerEnv.init() ok /etc/httpd/conf/workers2.properties'],
      ['error', '', 'mod_jk child workerEnv in error state {small}'],
      ['notice', '', 'jk2_init() Found child {pid} in scoreboard slot {small}'],
      ['error', '', '[client {ip}] Directory index forbidden by rule: /var/www/html/'],
      ['error', '', "jk2_init() Can't find child {pid} in scoreboard"],
      ['error', '', 'mod_jk child init {small} -{small}'],
      ['error', '', '[client {ip}] File does not exist: {path}'],
      ['notice', '', 'Digest: generating secret for digest authentication ...'],
      ['notice', '', 'Digest: done'],
      ['notice', '', 'caught SIGTERM, shutting down'],
      ['error', '', 'env.createBean2(): Factory error creating vm: ( vm, )'],
    ],
  },
  {
    name: 'Thunderbird*',
    // The program and pid belong to the header, as in Loghub's Thunderbird format.
    header: (_l, c) =>
      `- ${int(1131500000, 1131600000)} 2005.11.09 dn${int(1, 900)} Nov 9 ${clock()} dn${int(1, 900)}/dn${int(1, 900)} ${c}${c === 'kernel' || c === 'dhcpd' ? '' : `[${int(1000, 32000)}]`}: `,
    templates: [
      ['', 'crond(pam_unix)', 'session closed for user {user}'],
      ['', 'crond(pam_unix)', 'session opened for user {user} by (uid=0)'],
      ['', 'crond', '(root) CMD (run-parts /etc/cron.hourly)'],
      ['', 'sshd', 'Accepted publickey for root from {ip} port {port} ssh2'],
      ['', 'ntpd', 'synchronized to {ip}, stratum {small}'],
      ['', 'kernel', 'e1000: eth{small}: e1000_watchdog: NIC Link is Up 1000 Mbps Full Duplex'],
      ['', 'sshd(pam_unix)', 'session opened for user {user} by (uid=0)'],
      ['', 'ib_sm.x', '[ib_sm_sweep.c:{num}]: No topology change'],
      ['', 'dhcpd', 'DHCPREQUEST for {ip} from 00:11:43:e3:{small}:{small} via eth1'],
    ],
  },
  {
    name: 'Windows*',
    header: (l, c) => `2016-09-${pad(int(28, 29))} ${clock()}, ${(l || 'Info').padEnd(22)}${c.padEnd(7)}`,
    templates: [
      [
        '',
        'CBS',
        'Loaded Servicing Stack v{ver} with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_{ver}_none_{hex}\\cbscore.dll',
      ],
      ['', 'CBS', 'Starting TrustedInstaller initialization.'],
      ['', 'CBS', 'Ending TrustedInstaller initialization.'],
      ['', 'CBS', 'SQM: Initializing online with Windows opt-in: False'],
      ['', 'CBS', 'SQM: Cleaning up report files older than 10 days.'],
      ['', 'CBS', 'Session: {num}_{kb} initialized by client WindowsUpdateAgent.'],
      [
        '',
        'CBS',
        'Read out cached package applicability for package: Package_for_KB{kb}~31bf3856ad364e35~amd64~~{ver}, ApplicableState: {small}, CurrentState:{small}',
      ],
      ['', 'CBS', 'Warning: Unrecognized packageExtended attribute.'],
      ['', 'CBS', 'Expecting attribute name [HRESULT = 0x800f080d - CBS_E_MANIFEST_INVALID_ITEM]'],
      ['Error', 'CBS', 'Failed to internally open package. [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]'],
      ['', 'CBS', 'NonStart: Checking to ensure startup processing was not required.'],
      [
        '',
        'CSI',
        '{hex}@2016/9/28:{small}:{small}:{small}.{ms} CSI Transaction @0x{hex} initialized for deployment engine {{hex}} with flags {small} and client id [{small}]"TI5.{num}_{kb}:1/"',
      ],
    ],
  },
  {
    name: 'HPC*',
    header: () =>
      `${int(100000, 460000)} ${pick(['node-246', 'node-31', 'node-D1', 'gige7'])} ${pick(['unix.hw', 'boot_cmd', 'action'])} ${pick(['state_change.unavailable', 'new', 'error'])} ${int(1077000000, 1078000000)} 1 `,
    templates: [
      ['', '', 'Component State Change: Component \\042{comp}\\042 is in the unavailable state (HWID={num})'],
      ['', '', 'Command has completed successfully'],
      ['', '', 'Targeting domains:node-D{small} and nodes:node-[{small}-{small}] child of command {num}'],
      ['', '', 'Link error on broadcast tree Interconnect-0T00:00:{small}:{small}'],
      ['', '', 'NIFF: node {node} detected a failed network connection on network {ip} via interface alt0'],
      ['', '', 'ServerFileSystem: file system full on {node}'],
      ['', '', 'Temperature ({num}C) exceeds warning threshold'],
      ['', '', 'PSU status ( on off )'],
      ['', '', 'Fan speeds ( {num} {num} {num} {num} {num} {num} )'],
    ],
  },
  {
    name: 'Android*',
    header: (l, c) =>
      `03-17 ${clock()}.${pad(int(0, 999), 3)}  ${int(1000, 3000)}  ${int(1000, 9000)} ${l || 'D'} ${c}: `,
    templates: [
      [
        '',
        'PowerManagerService',
        'acquire lock={num}, flags=0x1, tag={tag}, name={pkg}, ws=null, uid={num}, pid={num}',
      ],
      [
        '',
        'PowerManagerService',
        'release:lock={num}, flg=0x0, tag={tag}, name={pkg}, ws=null, uid={num}, pid={num}',
      ],
      ['', 'DisplayPowerController', 'Animating brightness: target={small}, rate={small}'],
      ['I', 'ActivityManager', 'Start proc {num}:{pkg}/u0a{small} for service {pkg}/.Service'],
      [
        '',
        'WindowManager',
        'Skipping AppWindowToken{{hex} token=Token{{hex} ActivityRecord{{hex} u0 {pkg}/.MainActivity t{num}}}} -- going to hide',
      ],
      ['V', 'PhoneStatusBar', 'setLightsOn({bool})'],
      ['W', 'ActivityManager', 'getTasks: caller {num} does not hold REAL_GET_TASKS; limiting output'],
      ['E', 'HsmCoreServiceImpl', 'onTransact in code is: {small}'],
      ['I', 'SendBroadcastPermission', 'action:android.intent.action.SCREEN_OFF, mPermissionType:{small}'],
    ],
  },
];

let sumGA = 0,
  sumPA = 0;
for (const sys of systems) {
  const weights = sys.templates.map((_, i) => 1 / (i + 1) ** 0.9 + 0.02);
  const total = weights.reduce((a, b) => a + b, 0);
  const lines: string[] = [],
    truth: string[] = [];
  for (let n = 0; n < 2000; n++) {
    let r = rnd() * total,
      i = 0;
    while (r > (weights[i] ?? 0) && i < weights.length - 1) r -= weights[i++] ?? 0;
    const [level, comp, content] = sys.templates[i] as [string, string, string];
    lines.push(sys.header(level, comp) + fill(content));
    truth.push(truthOf(content));
  }
  const analyzer = new LogAnalyzer({});
  const ids: number[] = [];
  analyzer.onLine = (_l, c) => ids.push(c);
  for (const l of lines) analyzer.push(l);
  analyzer.end();
  const pred = ids.map((id) => analyzer.miner.templateText(analyzer.miner.resolve(id)));
  const s = scoreParsing(truth, pred);
  sumGA += s.ga;
  sumPA += s.pa;
  console.log(
    `${sys.name.padEnd(13)} GA ${s.ga.toFixed(3)} FGA ${s.fga.toFixed(3)} PA ${s.pa.toFixed(3)} FTA ${s.fta.toFixed(3)} templates ${s.predicted}/${s.truth}`,
  );
  if (process.env.SHOW === sys.name) {
    const seen = new Map<string, Set<string>>();
    truth.forEach((t, i) => {
      const p = pred[i] as string;
      if (!seen.has(t)) seen.set(t, new Set());
      seen.get(t)?.add(p);
    });
    for (const [t, ps] of seen)
      if (ps.size > 1 || !ps.has(t))
        console.log(
          `  TRUE ${t}\n${[...ps]
            .slice(0, 4)
            .map((p) => `   got ${p}`)
            .join('\n')}`,
        );
  }
}
console.log(`mean GA ${(sumGA / systems.length).toFixed(3)} PA ${(sumPA / systems.length).toFixed(3)}`);
