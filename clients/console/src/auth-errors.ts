/** Firebase Auth's failures as sentences (apart from auth.ts, so the page can show them without loading the SDK). */

export function authFailure(error: unknown): string {
  const code = (error as { code?: string }).code ?? '';
  switch (code) {
    case 'auth/invalid-credential':
    case 'auth/wrong-password':
    case 'auth/user-not-found':
      return 'That email and password do not match an account.';
    case 'auth/email-already-in-use': return 'An account with that email already exists: sign in instead.';
    case 'auth/weak-password': return 'Choose a password of at least six characters.';
    case 'auth/invalid-email': return 'That is not an email address.';
    case 'auth/network-request-failed': return 'The sign-in service could not be reached. Try again.';
    case 'auth/too-many-requests': return 'Too many attempts. Wait a moment, then try again.';
    default: return 'Sign-in failed. Try again.';
  }
}
