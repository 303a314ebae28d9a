import { useCallback, useEffect, useState } from 'react'

import { parseRoute, type Route } from '../lib/route'

function current(): Route {
  return parseRoute(window.location.pathname, window.location.search)
}

/** The current route, and `navigate(url, {replace})` using the History API. */
export function useRoute(): [Route, (url: string, options?: { replace?: boolean }) => void] {
  const [route, setRoute] = useState<Route>(current)
  useEffect(() => {
    const onPop = () => setRoute(current())
    window.addEventListener('popstate', onPop)
    return () => window.removeEventListener('popstate', onPop)
  }, [])
  const navigate = useCallback((url: string, options: { replace?: boolean } = {}) => {
    if (url === window.location.pathname + window.location.search) return
    if (options.replace) window.history.replaceState(null, '', url)
    else window.history.pushState(null, '', url)
    setRoute(current())
  }, [])
  return [route, navigate]
}
