// Light or dark: follows prefers-color-scheme until the person picks one
// (kept in localStorage). The choice is `data-theme` on <html>.

import { useCallback, useEffect, useState } from 'react'

export type ThemeChoice = 'system' | 'light' | 'dark'
const KEY = 'tix.theme'

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY)
    return v === 'light' || v === 'dark' ? v : 'system'
  } catch {
    return 'system'
  }
}

function systemDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches
}

/** Sets the theme before the first render (no light flash on a dark system). */
export function applyInitialTheme(): void {
  const choice = stored()
  const dark = choice === 'dark' || (choice === 'system' && systemDark())
  document.documentElement.dataset.theme = dark ? 'dark' : 'light'
  document.documentElement.style.colorScheme = dark ? 'dark' : 'light'
}

export function useTheme(): { choice: ThemeChoice; dark: boolean; toggle: () => void } {
  const [choice, setChoice] = useState<ThemeChoice>(stored)
  const [system, setSystem] = useState(systemDark)
  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return
    const query = window.matchMedia('(prefers-color-scheme: dark)')
    const onChange = () => setSystem(query.matches)
    query.addEventListener('change', onChange)
    return () => query.removeEventListener('change', onChange)
  }, [])
  const dark = choice === 'dark' || (choice === 'system' && system)
  useEffect(() => {
    document.documentElement.dataset.theme = dark ? 'dark' : 'light'
    document.documentElement.style.colorScheme = dark ? 'dark' : 'light'
  }, [dark])
  const toggle = useCallback(() => {
    // Flip what is shown; picking what the system shows anyway means "follow it".
    const next: ThemeChoice = dark ? 'light' : 'dark'
    const value: ThemeChoice = (next === 'dark') === system ? 'system' : next
    try {
      if (value === 'system') localStorage.removeItem(KEY)
      else localStorage.setItem(KEY, value)
    } catch {
      // not kept
    }
    setChoice(value)
  }, [dark, system])
  return { choice, dark, toggle }
}
