/** The console's page shell: navigation, the page's main content, its stylesheets and script. */
import { displayText } from '../../tasks/shared/html.ts';
import { escapeHtml } from './html.ts';

const NAVIGATION: readonly (readonly [string, string])[] = [
  ['/state-machines', 'State machines'],
  ['/executions', 'Executions'],
  ['/data/outbox', 'Outbox'],
  ['/data/tables', 'DynamoDB'],
  ['/data/projection', 'PostgreSQL'],
  ['/data/pipes', 'Pipes'],
  ['/data/schedules', 'Schedules'],
];

export interface LayoutOptions {
  readonly title: string;
  readonly section: string;
  readonly main: string;
  /** What the console is pointed at, shown in the header (`local cloud` or the region). */
  readonly target: string;
  readonly mode: 'local' | 'aws';
}

export function layout(options: LayoutOptions): string {
  const nav = NAVIGATION.map(
    ([path, label]) =>
      `<li><a href="${path}"${options.section === path ? ' aria-current="page"' : ''}>${escapeHtml(label)}</a></li>`,
  ).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(displayText(options.title, 120))} · Workflows console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/console.css">
<link rel="stylesheet" href="/assets/graph.css">
<script src="/assets/console.js" defer></script>
</head>
<body class="mode-${options.mode}">
<a class="skip" href="#main">Skip to content</a>
<header>
<a class="brand" href="/">Workflows console</a>
<span class="target">${escapeHtml(options.target)}${options.mode === 'aws' ? ' · read-only' : ''}</span>
<nav aria-label="Sections"><ul>${nav}</ul></nav>
</header>
<main id="main" tabindex="-1">
${options.main}
</main>
</body>
</html>
`;
}
