"""Moving in and out: comments from WordPress, Disqus and Isso; the whole forum as JSON."""
