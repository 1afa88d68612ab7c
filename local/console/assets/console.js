// The console's one script: progressive enhancement only (every page works without it).
// Keeps a running execution's page fresh when the operator asked for it ("Refresh every 5 s"),
// unless they are typing. Times stay in UTC, as the filters take them.
document.addEventListener('DOMContentLoaded', () => {
  const refresh = document.querySelector('[data-refresh-seconds]');
  if (!refresh) return;
  const seconds = Number(refresh.getAttribute('data-refresh-seconds'));
  if (!(seconds > 0)) return;
  setInterval(() => {
    if (!document.querySelector('textarea:focus, input:focus, select:focus')) location.reload();
  }, seconds * 1000);
});
