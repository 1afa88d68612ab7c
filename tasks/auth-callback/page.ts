/**
 * What the callback shows when connecting did not work: no script, no third-party content, no
 * referrer (the URL held a code), and a way back. On success the callback answers a redirect
 * instead, so the code leaves the address bar and the browser's history at once.
 */
import { htmlPage, type Page } from '../shared/html.ts';

const STYLE = `body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.4rem; } a { color: #0969da; }`;

export function callbackPage(statusCode: number, title: string, text: string, returnTo: string): Page {
  return htmlPage({
    statusCode,
    title,
    style: STYLE,
    noindex: true,
    // Titles and texts are this module's own sentences; returnTo is an allowlisted path.
    main: `<h1>${title}</h1><p>${text}</p><p><a href="${returnTo}">Back to your connections</a></p>`,
  });
}
