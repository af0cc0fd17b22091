// Keeps a job page up to date without reloading it on a timer (a timed refresh fails WCAG 2.2.1).
// Without JavaScript the page offers a "Check progress" link instead.
const root = document.querySelector('[data-job-status-url]')

if (root) {
  const url = root.dataset.jobStatusUrl
  const shown = { waiting: root.dataset.waiting === 'true', stalled: root.dataset.stalled === 'true' }
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      if (response.ok) {
        const job = await response.json()
        const finished = job.status === 'succeeded' || job.status === 'failed'
        if (finished || job.waiting_for_broker !== shown.waiting || job.stalled !== shown.stalled) {
          window.location.reload()
          return
        }
        document.getElementById('job-progress').value = job.progress
        document.getElementById('job-progress-label').textContent = `Progress: ${job.progress}%`
        document.getElementById('job-message').textContent = job.message
      }
    } catch (error) {
      // A failed check is retried on the next tick.
    }
    window.setTimeout(poll, 2000)
  }
  window.setTimeout(poll, 2000)
}
