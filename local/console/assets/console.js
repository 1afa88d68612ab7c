// The console's one script: progressive enhancement only (every page works without it).
// Shows times in the operator's time zone and keeps a running execution's page fresh.

document.addEventListener('DOMContentLoaded', () => {
  for (const element of document.querySelectorAll('time[datetime]')) {
    const when = new Date(element.getAttribute('datetime'));
    if (!Number.isNaN(when.getTime())) {
      element.title = element.textContent;
      element.textContent = when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
    }
  }
  const refresh = document.querySelector('[data-refresh-seconds]');
  if (refresh) {
    const seconds = Number(refresh.getAttribute('data-refresh-seconds'));
    if (seconds > 0)
      setTimeout(() => {
        if (!document.querySelector('textarea:focus, input:focus')) location.reload();
      }, seconds * 1000);
  }
});
