<?php
/**
 * Loads the WordPress of a test site in a command-line process. The site's settings are the
 * JSON file named by the first argument (written by tests/realwp/wordpress.py).
 */
$site = json_decode(file_get_contents($argv[1]), true);
$url = parse_url($site['home']);
$_SERVER['HTTP_HOST'] = $url['host'] . ':' . $url['port'];
$_SERVER['SERVER_NAME'] = $url['host'];
$_SERVER['SERVER_PORT'] = (string) $url['port'];
$_SERVER['REQUEST_URI'] = ($url['path'] ?? '') . '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
require $site['wordpress'] . '/wp-load.php';

/** Ends the process with a message on stderr when a WordPress call answered an error. */
function succeeded($result, string $what) {
	if (is_wp_error($result) || false === $result || 0 === $result) {
		fwrite(STDERR, $what . ': ' . (is_wp_error($result) ? $result->get_error_message() : 'failed') . "\n");
		exit(1);
	}
	return $result;
}
