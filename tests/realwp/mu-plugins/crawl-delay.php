<?php
/**
 * Plugin Name: Crawl-delay
 * Description: robots.txt asks crawlers to wait ARCHIVE_TEST_CRAWL_DELAY seconds between requests.
 */
add_filter('robots_txt', fn($output) => $output . 'Crawl-delay: ' . ARCHIVE_TEST_CRAWL_DELAY . "\n", 20);
