/**
 * Sign-in with Firebase Authentication, when the Darkroom behind the console has auth on (the
 * Auth emulator locally). Loaded only then: with auth off the page never loads the Firebase SDK.
 */
import { initializeApp } from 'firebase/app';
import {
  connectAuthEmulator, createUserWithEmailAndPassword, getAuth, onAuthStateChanged, signInWithEmailAndPassword,
  signOut, type Auth, type User,
} from 'firebase/auth';
import { useIdTokens } from './api';
import type { ConsoleConfig } from './config';

export interface Session {
  signIn(email: string, password: string): Promise<void>;
  signUp(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

/** Starts Firebase Auth and reports the signed-in user (null when signed out) on every change. */
export function startAuth(config: ConsoleConfig, onUser: (user: { email: string | null; uid: string } | null) => void): Session {
  const firebase = config.firebase;
  if (!firebase) throw new Error('auth is on but the console was given no Firebase project');
  const app = initializeApp({ apiKey: firebase.apiKey, projectId: firebase.projectId, authDomain: firebase.authDomain });
  const auth: Auth = getAuth(app);
  if (firebase.authEmulatorUrl) {
    connectAuthEmulator(auth, firebase.authEmulatorUrl, { disableWarnings: true });
  }
  useIdTokens(async () => (auth.currentUser ? auth.currentUser.getIdToken() : null));
  onAuthStateChanged(auth, (user: User | null) => onUser(user ? { email: user.email, uid: user.uid } : null));
  return {
    signIn: async (email, password) => { await signInWithEmailAndPassword(auth, email, password); },
    signUp: async (email, password) => { await createUserWithEmailAndPassword(auth, email, password); },
    signOut: () => signOut(auth),
  };
}
