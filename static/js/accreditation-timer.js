// Counts down the test's time left. The server keeps the real deadline; this is only a display, and the
// page works without it (the time left is printed when the page loads). At time-out it opens the test again, a
// moment after the deadline, and the server marks the saved answers and shows the result.
(function () {
  var timer = document.querySelector('[data-module="app-timer"]')
  if (!timer) return
  var value = timer.querySelector('.app-timer__value')
  var end = Date.now() + parseInt(timer.getAttribute('data-seconds-left'), 10) * 1000
  function tick () {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000))
    var minutes = Math.floor(left / 60)
    var seconds = left % 60
    value.textContent = minutes + ' min ' + (seconds < 10 ? '0' : '') + seconds + ' s'
    if (left === 0) {
      value.textContent = 'time is up'
      window.clearInterval(handle)
      window.setTimeout(function () {
        window.location.assign(timer.getAttribute('data-timeout-url') || window.location.href)
      }, 2000)
    }
  }
  var handle = window.setInterval(tick, 1000)
  tick()
})()
